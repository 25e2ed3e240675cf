using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace ImagePipeline.Tests.Browser;

/// <summary>Runs axe on the current page and fails on any serious or critical violation, naming them.</summary>
public static class AxeChecks
{
    public static async Task AssertNoSeriousViolationsAsync(IPage page)
    {
        var result = await page.RunAxe();
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(serious.Count == 0, string.Join("\n", serious.Select(v =>
            $"{v.Impact} {v.Id}: {v.Help} — {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}")));
    }
}
