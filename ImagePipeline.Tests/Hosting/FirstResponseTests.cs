using ImagePipeline.Tests.Support;
using ImagePipeline.Web.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ImagePipeline.Tests.Hosting;

/// <summary>The warm-ups that start with the app wait for its first answer (or a second without one).</summary>
public sealed class FirstResponseTests
{
    [Fact]
    public async Task Waits_for_the_first_answer_or_the_fallback()
    {
        var time = new FakeTimeProvider();
        var first = new FirstResponse();
        var waiting = first.WaitAsync(time, CancellationToken.None);
        time.Advance(FirstResponse.Fallback / 2);
        Assert.False(waiting.IsCompleted);
        first.Answered();
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));

        var unanswered = new FirstResponse().WaitAsync(time, CancellationToken.None);
        time.Advance(FirstResponse.Fallback / 2);
        Assert.False(unanswered.IsCompleted);
        time.Advance(FirstResponse.Fallback / 2);
        await unanswered.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task The_app_marks_its_first_answer()
    {
        using var factory = new PipelineAppFactory();
        var first = factory.Services.GetRequiredService<FirstResponse>();
        Assert.False(first.IsAnswered);
        using var client = factory.CreateClient();
        using var health = await client.GetAsync("/health");
        Assert.True(first.IsAnswered);
    }
}
