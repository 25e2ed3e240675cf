using ImagePipeline.Core.Processing;

namespace ImagePipeline.Tests.Processing;

public sealed class DecodeMemoryBudgetTests
{
    private const long MB = 1024 * 1024;

    [Fact]
    public async Task A_decode_waits_until_the_images_in_flight_leave_room()
    {
        var budget = new DecodeMemoryBudget(512 * MB);
        var first = await budget.AcquireAsync(300 * MB, CancellationToken.None);

        var second = budget.AcquireAsync(300 * MB, CancellationToken.None);
        Assert.False(second.IsCompleted);
        Assert.Equal(300 * MB, budget.InUse);

        first.Dispose();
        using var admitted = await second;
        Assert.Equal(300 * MB, budget.InUse);
    }

    [Fact]
    public async Task Small_decodes_share_the_budget()
    {
        var budget = new DecodeMemoryBudget(512 * MB);

        using var a = await budget.AcquireAsync(72 * MB, CancellationToken.None);
        using var b = await budget.AcquireAsync(72 * MB, CancellationToken.None);
        using var c = await budget.AcquireAsync(72 * MB, CancellationToken.None);

        Assert.Equal(216 * MB, budget.InUse);
    }

    [Fact]
    public async Task An_image_larger_than_the_whole_budget_runs_alone()
    {
        var budget = new DecodeMemoryBudget(512 * MB);
        var small = await budget.AcquireAsync(10 * MB, CancellationToken.None);

        var huge = budget.AcquireAsync(2000 * MB, CancellationToken.None);
        Assert.False(huge.IsCompleted);
        small.Dispose();
        var alone = await huge;
        Assert.Equal(512 * MB, budget.InUse);

        var next = budget.AcquireAsync(1 * MB, CancellationToken.None);
        Assert.False(next.IsCompleted);
        alone.Dispose();
        (await next).Dispose();
        Assert.Equal(0, budget.InUse);
    }

    [Fact]
    public async Task A_waiting_large_image_is_not_overtaken_by_smaller_ones()
    {
        var budget = new DecodeMemoryBudget(100 * MB);
        var first = await budget.AcquireAsync(60 * MB, CancellationToken.None);

        var large = budget.AcquireAsync(80 * MB, CancellationToken.None);
        var small = budget.AcquireAsync(30 * MB, CancellationToken.None);
        Assert.False(small.IsCompleted);

        first.Dispose();
        var largeAdmission = await large;
        Assert.False(small.IsCompleted);
        largeAdmission.Dispose();
        (await small).Dispose();
    }

    [Fact]
    public async Task A_cancelled_wait_gives_its_place_to_the_next()
    {
        var budget = new DecodeMemoryBudget(100 * MB);
        using var held = await budget.AcquireAsync(90 * MB, CancellationToken.None);
        using var cts = new CancellationTokenSource();

        var cancelled = budget.AcquireAsync(50 * MB, cts.Token);
        var behind = budget.AcquireAsync(10 * MB, CancellationToken.None);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        (await behind).Dispose();
        Assert.Equal(90 * MB, budget.InUse);
    }

    [Fact]
    public async Task Releasing_twice_gives_back_once()
    {
        var budget = new DecodeMemoryBudget(100 * MB);
        var admission = await budget.AcquireAsync(40 * MB, CancellationToken.None);
        using var other = await budget.AcquireAsync(40 * MB, CancellationToken.None);

        admission.Dispose();
        admission.Dispose();

        Assert.Equal(40 * MB, budget.InUse);
    }
}
