using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NormLab.Tests.Unit.Reports;

/// <summary>
/// Loads a page in a running headless chromium over the DevTools protocol (a WebSocket, System.Net.WebSockets) and
/// returns every URL the page asked for (Network.requestWillBeSent for the page's own target), after the load event.
/// Only the page's target is watched, so chromium's own background traffic (update checks, clock sync — which it makes
/// even with --disable-background-networking) does not count, while every request the page makes does: documents,
/// images, styles, fonts, scripts, fetches, whatever the scheme.
/// </summary>
public sealed class DevToolsNetworkLog : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();
    private int _nextId;

    public static async Task<DevToolsNetworkLog> Connect(Uri browserEndpoint, CancellationToken cancel)
    {
        var log = new DevToolsNetworkLog();
        await log._socket.ConnectAsync(browserEndpoint, cancel);
        return log;
    }

    /// <summary>Opens a tab, enables network events, navigates to <paramref name="url"/>, waits for the load event plus a short settle, returns requested URLs.</summary>
    public async Task<IReadOnlyList<string>> RequestsWhileLoading(string url, CancellationToken cancel)
    {
        var events = new List<JsonNode>();
        var target = await Call("Target.createTarget", new JsonObject { ["url"] = "about:blank" }, null, events, cancel);
        var targetId = target["targetId"]!.GetValue<string>();
        var attached = await Call("Target.attachToTarget", new JsonObject { ["targetId"] = targetId, ["flatten"] = true }, null, events, cancel);
        var session = attached["sessionId"]!.GetValue<string>();
        await Call("Network.enable", new JsonObject(), session, events, cancel);
        await Call("Page.enable", new JsonObject(), session, events, cancel);
        await Call("Page.navigate", new JsonObject { ["url"] = url }, session, events, cancel);
        await Until(events, e => Method(e) == "Page.loadEventFired" && Session(e) == session, cancel);
        // Anything started by the load (a late image, a font) shows up within a moment; give it that moment.
        using (var settle = CancellationTokenSource.CreateLinkedTokenSource(cancel))
        {
            settle.CancelAfter(TimeSpan.FromMilliseconds(700));
            try { await Until(events, _ => false, settle.Token); } catch (OperationCanceledException) when (!cancel.IsCancellationRequested) { }
        }
        return events
            .Where(e => Method(e) == "Network.requestWillBeSent" && Session(e) == session)
            .Select(e => e["params"]!["request"]!["url"]!.GetValue<string>())
            .ToList();
    }

    private async Task<JsonNode> Call(string method, JsonObject parameters, string? session, List<JsonNode> events, CancellationToken cancel)
    {
        var id = ++_nextId;
        var message = new JsonObject { ["id"] = id, ["method"] = method, ["params"] = parameters };
        if (session is not null) message["sessionId"] = session;
        await _socket.SendAsync(Encoding.UTF8.GetBytes(message.ToJsonString()), WebSocketMessageType.Text, true, cancel);
        var reply = await Until(events, m => m["id"]?.GetValue<int>() == id, cancel);
        if (reply["error"] is { } error) throw new InvalidOperationException($"DevTools {method} failed: {error.ToJsonString()}");
        return reply["result"]!;
    }

    /// <summary>Reads messages (remembering every event) until one matches.</summary>
    private async Task<JsonNode> Until(List<JsonNode> events, Func<JsonNode, bool> match, CancellationToken cancel)
    {
        foreach (var seen in events.Where(match)) return seen;
        var buffer = new byte[1 << 16];
        while (true)
        {
            using var text = new MemoryStream();
            WebSocketReceiveResult part;
            do
            {
                part = await _socket.ReceiveAsync(buffer, cancel);
                if (part.MessageType == WebSocketMessageType.Close) throw new InvalidOperationException("chromium closed the DevTools connection");
                text.Write(buffer, 0, part.Count);
            } while (!part.EndOfMessage);
            var node = JsonNode.Parse(text.ToArray())!;
            if (node["method"] is not null) events.Add(node);
            if (match(node)) return node;
        }
    }

    private static string? Method(JsonNode e) => e["method"]?.GetValue<string>();
    private static string? Session(JsonNode e) => e["sessionId"]?.GetValue<string>();

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try { await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None); }
            catch (WebSocketException) { /* chromium may already be gone */ }
        }
        _socket.Dispose();
    }
}
