using System.Net;
using System.Net.Sockets;
using Booking.Core.Callbacks;

namespace Booking.Worker.Callbacks;

/// <summary>
/// The connect step of the callbacks' HTTP handler: resolves the host, checks every address it resolves to against
/// the <see cref="CallbackAddressPolicy"/>, and connects to a checked address only. Because the check and the
/// connect use the same resolution, a name that resolves to a public address when checked and to an internal one
/// when connected (DNS rebinding) cannot slip through.
/// </summary>
public sealed class CallbackConnector(CallbackAddressPolicy policy)
{
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host.Trim('[', ']');
        if (!policy.IsAllowedHost(host))
        {
            throw new CallbackRefusedException($"{host} is not on Callbacks:AllowedHosts.");
        }

        var addresses = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken);
        if (addresses.Select(address => policy.RefusalOf(host, address)).FirstOrDefault(refusal => refusal is not null) is { } refused)
        {
            throw new CallbackRefusedException(refused);
        }

        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        Exception? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last!;
    }
}
