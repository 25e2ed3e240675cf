using ImagePipeline.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace ImagePipeline.Core.Accounts;

/// <summary>Whether the app still needs its first admin. Asks the database until the answer is "no", then never again.</summary>
public sealed class FirstRunState(IDbContextFactory<PipelineDbContext> contexts)
{
    private volatile bool _done;

    public async Task<bool> NeedsSetupAsync(CancellationToken cancellationToken)
    {
        if (_done)
        {
            return false;
        }

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        _done = await db.Users.AnyAsync(cancellationToken);
        return !_done;
    }

    public void MarkDone() => _done = true;
}
