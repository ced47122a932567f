package main

import (
	"fmt"
	"io"
	"net"
	"net/netip"
	"slices"
	"strings"
)

// writeBanner prints Python's line, which scripts read for the port, then
// the URLs a person can open, one per line, unless --no-banner.
func writeBanner(w io.Writer, cfg config, addr net.Addr, tls bool) {
	scheme := "http"
	if tls {
		scheme = "https"
	}
	host, port, _ := net.SplitHostPort(addr.String())
	fmt.Fprintf(w, "Serving %s on %s port %s (%s://%s/) ...\n",
		strings.ToUpper(scheme), host, port, scheme, net.JoinHostPort(host, port))
	if cfg.noBanner {
		return
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return
	}
	var local []netip.Addr
	if ip.IsUnspecified() {
		local = interfaceAddrs()
	}
	for _, u := range openURLs(scheme, ip, port, local) {
		fmt.Fprintf(w, "  %s\n", u)
	}
}

// openURLs returns the URLs to print for a server listening on ip and
// port: http://localhost:PORT/ when it is loopback or every interface,
// and then, for every interface, the addresses of the machine's others
// (IPv4 first, IPv6 in brackets; link-local ones, which need a zone, are
// left out). Bound to one other address, Python's line names it already.
func openURLs(scheme string, ip netip.Addr, port string, local []netip.Addr) []string {
	if !ip.IsLoopback() && !ip.IsUnspecified() {
		return nil
	}
	urls := []string{scheme + "://" + net.JoinHostPort("localhost", port) + "/"}
	if !ip.IsUnspecified() {
		return urls
	}
	var addrs []netip.Addr
	for _, a := range local {
		a = a.Unmap()
		if a.IsLoopback() || a.IsLinkLocalUnicast() || a.IsUnspecified() || a.IsMulticast() {
			continue
		}
		if ip.Is4() && !a.Is4() {
			continue // 0.0.0.0 listens on IPv4 only
		}
		addrs = append(addrs, a)
	}
	slices.SortStableFunc(addrs, func(a, b netip.Addr) int {
		if a.Is4() != b.Is4() {
			if a.Is4() {
				return -1
			}
			return 1
		}
		return a.Compare(b)
	})
	for _, a := range slices.Compact(addrs) {
		urls = append(urls, scheme+"://"+net.JoinHostPort(a.String(), port)+"/")
	}
	return urls
}

// interfaceAddrs returns the addresses of the machine's interfaces that
// are up; none if they cannot be read.
func interfaceAddrs() []netip.Addr {
	ifaces, err := net.Interfaces()
	if err != nil {
		return nil
	}
	var out []netip.Addr
	for _, iface := range ifaces {
		if iface.Flags&net.FlagUp == 0 {
			continue
		}
		addrs, err := iface.Addrs()
		if err != nil {
			continue
		}
		for _, a := range addrs {
			if p, err := netip.ParsePrefix(a.String()); err == nil {
				out = append(out, p.Addr())
			}
		}
	}
	return out
}

// warnings returns what the server's owner should know about a server
// listening on addr, for stderr: credentials that cross the network in
// clear text, and writes that nobody guards.
func warnings(cfg config, addr net.Addr, tls bool) []string {
	var out []string
	a, _ := addr.(*net.TCPAddr)
	loopback := a != nil && a.AddrPort().Addr().Unmap().IsLoopback()
	if cfg.authFile != "" && !tls && !loopback {
		out = append(out, "--auth-file over plain HTTP: Basic authentication sends passwords in clear text to anyone on the network path; serve HTTPS with --tls-cert")
	}
	if (cfg.Upload || cfg.Delete) && cfg.authFile == "" {
		out = append(out, "clients may change files and no --auth-file is set: anyone who can reach this server can write to the directory")
	}
	return out
}
