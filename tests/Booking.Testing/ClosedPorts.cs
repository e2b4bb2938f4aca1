using System.Net;
using System.Net.Sockets;

namespace Booking.Testing;

/// <summary>Loopback ports that nothing listens on, for a server that cannot be reached.</summary>
public static class ClosedPorts
{
    /// <summary>A port the system just gave out and took back, so none of this machine's servers has it.</summary>
    public static int Next()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
