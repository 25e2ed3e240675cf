using System.Net;

namespace ImagePipeline.Tests.Reliability;

/// <summary>Sends half of the bytes, signals, then trickles the rest: an upload that is still streaming when the server dies.</summary>
public sealed class SlowContent(byte[] bytes, TaskCompletionSource halfSent) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        var half = bytes.Length / 2;
        await stream.WriteAsync(bytes.AsMemory(0, half));
        await stream.FlushAsync();
        halfSent.TrySetResult();
        for (var offset = half; offset < bytes.Length; offset += 4096)
        {
            await Task.Delay(50);
            await stream.WriteAsync(bytes.AsMemory(offset, Math.Min(4096, bytes.Length - offset)));
            await stream.FlushAsync();
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = bytes.Length;
        return true;
    }
}
