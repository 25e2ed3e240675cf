using MudBlazor;

namespace ImagePipeline.Web.Components.Layout;

/// <summary>The app's light and dark palettes, chosen for WCAG AA contrast of text on the app bar and surfaces.</summary>
public static class AppTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#3949ab",
            Secondary = "#5f6368",
            AppbarBackground = "#283593",
            Success = "#1b5e20",
            Error = "#b71c1c",
            Warning = "#8a4b00",
            Info = "#0d47a1",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#9fa8ff",
            Secondary = "#c4c7c5",
            AppbarBackground = "#1c1c28",
            Success = "#81c784",
            Error = "#ff8a80",
            Warning = "#ffb74d",
            Info = "#90caf9",
            PrimaryContrastText = "rgba(0,0,0,0.87)",
            SuccessContrastText = "rgba(0,0,0,0.87)",
            ErrorContrastText = "rgba(0,0,0,0.87)",
            WarningContrastText = "rgba(0,0,0,0.87)",
            InfoContrastText = "rgba(0,0,0,0.87)",
            TextSecondary = "rgba(255,255,255,0.78)",
            ActionDefault = "rgba(255,255,255,0.78)",
        },
    };
}
