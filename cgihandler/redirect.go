package cgihandler

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/pyhttp/httpserver/internal/errorpage"
)

// maxLocalRedirects bounds a chain of local redirects, so that a script
// that redirects to itself ends with a 500 instead of a loop.
const maxLocalRedirects = 10

// redirectDepth is the context key for the number of local redirects
// that led to a request.
type redirectDepth struct{}

// redirect serves a script's local redirect to loc (RFC 3875 §6.2.2) as a
// fresh GET of that path. The RFC leaves the method open; we follow
// Apache and lighttpd: GET, without the original body.
//
// The new request gets a new context that keeps net/http's server values
// and the cancellation of the original, but no router state: chi, for
// one, would otherwise take its route context from the first dispatch
// and treat itself as a sub-router.
func (h *Handler) redirect(w http.ResponseWriter, r *http.Request, loc string) error {
	depth, _ := r.Context().Value(redirectDepth{}).(int)
	if depth >= maxLocalRedirects {
		return errorpage.Errorf(http.StatusInternalServerError, "", errors.New("cgihandler: too many local redirects"))
	}
	u, err := url.Parse(loc)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return errorpage.Errorf(http.StatusInternalServerError, "", errors.New("cgihandler: bad local redirect"))
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	defer context.AfterFunc(r.Context(), cancel)()
	for _, k := range [...]any{http.ServerContextKey, http.LocalAddrContextKey} {
		if v := r.Context().Value(k); v != nil {
			ctx = context.WithValue(ctx, k, v)
		}
	}
	ctx = context.WithValue(ctx, redirectDepth{}, depth+1)

	r2 := r.Clone(ctx)
	r2.Method = http.MethodGet
	r2.URL = u
	r2.RequestURI = u.RequestURI()
	r2.Body = http.NoBody
	r2.GetBody = nil
	r2.ContentLength = 0
	r2.TransferEncoding = nil
	r2.Pattern = ""
	for _, k := range [...]string{"Content-Length", "Content-Type", "Expect"} {
		r2.Header.Del(k)
	}
	next := h.local
	if next == nil {
		next = h
	}
	next.ServeHTTP(w, r2)
	return nil
}
