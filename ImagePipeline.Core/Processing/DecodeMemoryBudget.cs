using ImagePipeline.Core.Configuration;
using Microsoft.Extensions.Options;

namespace ImagePipeline.Core.Processing;

/// <summary>
/// Admits a decode only while the decoded sizes of the images in flight stay within <c>Pipeline:Runner:MemoryBudget</c>,
/// so <c>Runner:Concurrency</c> large images at once cannot exceed the machine. A weighted, first-come first-served gate:
/// a waiting large image is not overtaken by smaller ones behind it, and an image larger than the whole budget runs alone.
/// </summary>
public sealed class DecodeMemoryBudget
{
    private readonly Lock _gate = new();
    private readonly LinkedList<Waiter> _waiters = new();
    private long _inUse;

    public DecodeMemoryBudget(IOptions<PipelineOptions> options)
        : this(options.Value.Runner.MemoryBudget)
    {
    }

    public DecodeMemoryBudget(long capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
    }

    /// <summary>The budget in decoded bytes.</summary>
    public long Capacity { get; }

    /// <summary>Decoded bytes admitted and not yet released.</summary>
    public long InUse
    {
        get
        {
            lock (_gate)
            {
                return _inUse;
            }
        }
    }

    /// <summary>Waits until <paramref name="bytes"/> fit beside the decodes in flight (all of the budget for an image larger than it).</summary>
    public Task<IDisposable> AcquireAsync(long bytes, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var weight = Math.Clamp(bytes, 1, Capacity);
        Waiter waiter;
        lock (_gate)
        {
            if (_waiters.Count == 0 && _inUse + weight <= Capacity)
            {
                _inUse += weight;
                return Task.FromResult<IDisposable>(new Admission(this, weight));
            }

            waiter = new Waiter(weight);
            waiter.Node = _waiters.AddLast(waiter);
        }

        if (cancellationToken.CanBeCanceled)
        {
            waiter.Cancellation = cancellationToken.Register(() => Cancel(waiter, cancellationToken));
        }

        return waiter.Completion.Task;
    }

    private void Cancel(Waiter waiter, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (waiter.Node?.List is null)
            {
                return; // admitted meanwhile
            }

            _waiters.Remove(waiter.Node);
            AdmitWaiting();
        }

        waiter.Completion.TrySetCanceled(cancellationToken);
    }

    private void Release(long weight)
    {
        lock (_gate)
        {
            _inUse -= weight;
            AdmitWaiting();
        }
    }

    /// <summary>Admits waiters in order while the first one fits. Called under the lock.</summary>
    private void AdmitWaiting()
    {
        while (_waiters.First is { } first && _inUse + first.Value.Weight <= Capacity)
        {
            _waiters.RemoveFirst();
            _inUse += first.Value.Weight;
            first.Value.Cancellation.Dispose();
            first.Value.Completion.TrySetResult(new Admission(this, first.Value.Weight));
        }
    }

    private sealed class Waiter(long weight)
    {
        public long Weight { get; } = weight;

        public LinkedListNode<Waiter>? Node { get; set; }

        public CancellationTokenRegistration Cancellation { get; set; }

        public TaskCompletionSource<IDisposable> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Admission(DecodeMemoryBudget budget, long weight) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                budget.Release(weight);
            }
        }
    }
}
