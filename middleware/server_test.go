package middleware

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
)

// TestHeaderValuesShared: ServerHeader and Headers hand every response
// the same value slices; what one handler adds to its response, with
// Add or append, must not show in the next response.
func TestHeaderValuesShared(t *testing.T) {
	h := ServerHeader("a/1")(Headers(http.Header{
		"Cache-Control": {"max-age=60"},
		"X-Two":         {"1", "2"},
		"Server":        {"extra"}, // appended to ServerHeader's
	})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/add" {
			w.Header().Add("Server", "b/2")
			w.Header().Add("Cache-Control", "no-transform")
			w.Header()["X-Two"] = append(w.Header()["X-Two"], "3")
		}
	})))
	want := http.Header{
		"Server":        {"a/1", "extra"},
		"Cache-Control": {"max-age=60"},
		"X-Two":         {"1", "2"},
	}
	for _, p := range []string{"/", "/add", "/", "/add", "/"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", p, nil))
		for k, v := range want {
			got := rec.Header()[k]
			if p == "/add" {
				v = append(slices.Clip(v), map[string]string{"Server": "b/2", "Cache-Control": "no-transform", "X-Two": "3"}[k])
			}
			if !slices.Equal(got, v) {
				t.Errorf("GET %s: %s = %q; want %q", p, k, got, v)
			}
			if cap(got) != len(got) && p == "/" {
				// Room to append in place would let two responses
				// write the same element.
				t.Errorf("GET %s: %s has cap %d, len %d; want them equal", p, k, cap(got), len(got))
			}
		}
	}
}
