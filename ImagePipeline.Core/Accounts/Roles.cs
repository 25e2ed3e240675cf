namespace ImagePipeline.Core.Accounts;

/// <summary>The two roles of the app.</summary>
public static class Roles
{
    public const string Admin = "Admin";
    public const string User = "User";
}
