namespace ImagePipeline.Core.Accounts;

/// <summary>
/// The one row first-run setup claims in the same transaction that creates the first admin. Its key can only be
/// <see cref="SingletonId"/>, so a second setup (another request, another instance on the same database) fails on the
/// primary key: a database constraint, not a lock in one process's memory.
/// </summary>
public sealed class FirstRunClaim
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;

    public string UserName { get; set; } = "";

    public DateTime ClaimedAt { get; set; }
}
