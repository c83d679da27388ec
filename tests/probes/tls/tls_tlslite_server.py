"""A tlslite-ng TLS server for the lab: SSL 3.0 to TLS 1.2 with RC4 and 3DES suites.

Debian's OpenSSL 3 cannot serve RC4 or 3DES (probe-rules.md, pitfall 1), tlslite-ng (pure Python)
can. Run as `python tls_tlslite_server.py ADDRESS PORT CHAIN.pem KEY.pem`; it serves until killed.
Each connection is handled in a daemon thread; any handshake error only ends that connection.
"""

from __future__ import annotations

import socket
import sys
import threading

from tlslite.api import HandshakeSettings, TLSConnection, X509CertChain, parsePEMKey


def main() -> None:
    """Serve forever on the given address and port."""
    address, port, chain_file, key_file = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    chain = X509CertChain()
    with open(chain_file) as f:
        chain.parsePemList(f.read())
    with open(key_file) as f:
        key = parsePEMKey(f.read(), private=True)
    settings = HandshakeSettings()
    settings.minVersion = (3, 0)
    settings.maxVersion = (3, 3)
    settings.cipherNames = ["aes128", "3des", "rc4"]
    settings.keyExchangeNames = ["rsa", "ecdhe_rsa"]
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((address, port))
    listener.listen(64)

    def handle(sock: socket.socket) -> None:
        sock.settimeout(10)
        conn = TLSConnection(sock)
        try:
            conn.handshakeServer(certChain=chain, privateKey=key, settings=settings)
            conn.write(b"HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nok\n")
            conn.close()
        except Exception:  # noqa: BLE001, S110 - scanners abort handshakes on purpose
            pass
        finally:
            sock.close()

    while True:
        sock, _ = listener.accept()
        threading.Thread(target=handle, args=(sock,), daemon=True).start()


if __name__ == "__main__":
    main()
