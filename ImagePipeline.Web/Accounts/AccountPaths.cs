namespace ImagePipeline.Web.Accounts;

/// <summary>The open account URLs: the forms (pages) and the endpoints they post to.</summary>
public static class AccountPaths
{
    public const string Login = "/account/login";
    public const string SignIn = "/account/signin";
    public const string Logout = "/account/logout";
    public const string Setup = "/setup";
    public const string SetupSubmit = "/setup/admin";
    public const string AccessDenied = "/account/denied";
}
