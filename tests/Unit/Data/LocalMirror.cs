using System.Net;

namespace NormLab.Tests.Unit.Data;

/// <summary>An HttpListener on 127.0.0.1 serving fixed bytes per path (404 otherwise), counting requests.</summary>
public sealed class LocalMirror : IDisposable
{
    private readonly HttpListener _listener;
    private readonly Dictionary<string, byte[]> _files;
    private readonly Task _loop;
    private int _requests;

    public LocalMirror(Dictionary<string, byte[]> files)
    {
        _files = files;
        // Pick a free port: bind, and try another if it is taken.
        for (var attempt = 0; ; attempt++)
        {
            var port = Random.Shared.Next(20000, 60000);
            var listener = new HttpListener();
            listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                listener.Start();
                _listener = listener;
                BaseUri = new Uri($"http://127.0.0.1:{port}/");
                break;
            }
            catch (Exception e) when (e is HttpListenerException or System.Net.Sockets.SocketException && attempt < 20)
            {
                listener.Close();
            }
        }
        _loop = Task.Run(Serve);
    }

    public Uri BaseUri { get; }

    public int Requests => Volatile.Read(ref _requests);

    private async Task Serve()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try
            {
                ctx = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            Interlocked.Increment(ref _requests);
            var path = ctx.Request.Url!.AbsolutePath;
            if (_files.TryGetValue(path, out var body))
            {
                ctx.Response.StatusCode = 200;
                ctx.Response.ContentLength64 = body.Length;
                await ctx.Response.OutputStream.WriteAsync(body);
            }
            else
            {
                ctx.Response.StatusCode = 404;
            }
            ctx.Response.Close();
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }
}
