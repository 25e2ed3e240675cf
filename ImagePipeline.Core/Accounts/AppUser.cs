using Microsoft.AspNetCore.Identity;

namespace ImagePipeline.Core.Accounts;

/// <summary>A person who signs in. Identity keeps the password hash, lockout and roles.</summary>
public sealed class AppUser : IdentityUser
{
    public bool IsDisabled { get; set; }

    public DateTime CreatedAt { get; set; }
}
