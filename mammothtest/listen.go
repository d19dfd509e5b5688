package mammothtest

import (
	"net"
	"net/http/httptest"
)

// WithListener makes the server take API requests on l, instead of on a
// loopback port it picks itself, for a fake that others must find at a
// known address: a server for another process or language, such as the
// one "mammoth fake-server --addr" runs. [Server.URL] then names l's
// address. The server owns l: [Server.Close] closes it. The export files
// are still served on a loopback port of the server's choosing. A nil l
// changes nothing.
func WithListener(l net.Listener) Option {
	return func(s *Server) { s.apiListener = l }
}

// startAPI starts the API listener, on the listener of [WithListener] if
// one was given.
func (s *Server) startAPI() *httptest.Server {
	if s.apiListener == nil {
		return httptest.NewServer(s.apiHandler())
	}
	srv := httptest.NewUnstartedServer(s.apiHandler())
	srv.Listener.Close()
	srv.Listener = s.apiListener
	srv.Start()
	return srv
}
