using Microsoft.Extensions.Logging;

namespace ImagePipeline.Core.Jobs;

/// <summary>The handlers by job type; refuses to start with a type missing or registered twice.</summary>
public sealed partial class JobHandlerRegistry
{
    private readonly Dictionary<JobType, IJobHandler> _handlers;

    public JobHandlerRegistry(IEnumerable<IJobHandler> handlers, ILogger<JobHandlerRegistry> logger)
    {
        _handlers = [];
        foreach (var handler in handlers)
        {
            if (!_handlers.TryAdd(handler.Type, handler))
            {
                throw new InvalidOperationException($"Two handlers are registered for job type {handler.Type}.");
            }
        }

        var missing = Enum.GetValues<JobType>().Where(t => !_handlers.ContainsKey(t)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"No handler is registered for job type(s): {string.Join(", ", missing)}.");
        }

        LogRegistered(logger, string.Join(", ", _handlers.Keys));
    }

    public IJobHandler For(JobType type) => _handlers[type];

    [LoggerMessage(Level = LogLevel.Information, Message = "[Job Handlers] All handlers registered ({Types})")]
    private static partial void LogRegistered(ILogger logger, string types);
}
