using System.Net;
using System.Net.Sockets;

namespace Booking.FaultTests;

/// <summary>
/// A TCP relay on loopback to a server's port, which a test can cut: every open connection is closed and new ones
/// are closed as soon as they are accepted, the way a server that restarts or fails over looks to its clients,
/// until <see cref="Restore"/>. Or stall: connections stay open but no byte goes through, the way a server that
/// hangs looks.
/// </summary>
public sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<TcpClient> _open = [];
    private readonly Lock _sync = new();
    private readonly Task _accepting;
    private bool _cut;
    private TaskCompletionSource _flowing = Flowing();

    private TcpProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public static TcpProxy To(int targetPort) => new(targetPort);

    /// <summary>Closes every relayed connection and refuses new ones until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        lock (_sync)
        {
            _cut = true;
            _open.ForEach(client => client.Dispose());
            _open.Clear();
        }
    }

    /// <summary>Keeps every connection open but passes no byte either way until <see cref="Restore"/>.</summary>
    public void Stall()
    {
        lock (_sync)
        {
            if (_flowing.Task.IsCompleted)
            {
                _flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>Ends a cut or a stall.</summary>
    public void Restore()
    {
        lock (_sync)
        {
            _cut = false;
            _flowing.TrySetResult();
        }
    }

    /// <summary>How many client connections are relayed now.</summary>
    public int OpenConnections
    {
        get
        {
            lock (_sync)
            {
                return _open.Count / 2;
            }
        }
    }

    private static TaskCompletionSource Flowing()
    {
        var flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        flowing.SetResult();
        return flowing;
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            }
            catch (Exception) when (_stopping.IsCancellationRequested)
            {
                return;
            }

            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        TcpClient server;
        lock (_sync)
        {
            if (_cut)
            {
                client.Dispose();
                return;
            }

            server = new TcpClient();
            _open.Add(client);
            _open.Add(server);
        }

        try
        {
            await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stopping.Token);
            var up = PumpAsync(client.GetStream(), server.GetStream());
            var down = PumpAsync(server.GetStream(), client.GetStream());
            await Task.WhenAny(up, down);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // A side closed, the relay was cut or the proxy stopped: the relay ends.
        }
        finally
        {
            lock (_sync)
            {
                _open.Remove(client);
                _open.Remove(server);
            }

            client.Dispose();
            server.Dispose();
        }
    }

    private async Task PumpAsync(Stream from, Stream to)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await from.ReadAsync(buffer, _stopping.Token)) > 0)
        {
            Task flowing;
            lock (_sync)
            {
                flowing = _flowing.Task;
            }

            await flowing.WaitAsync(_stopping.Token);
            await to.WriteAsync(buffer.AsMemory(0, read), _stopping.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        Cut();
        await _accepting;
        _stopping.Dispose();
    }
}
