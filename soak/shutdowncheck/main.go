// Command shutdowncheck loads a server until it goes away and tells apart
// the failures a graceful shutdown may cause from the one it must not.
//
//	shutdowncheck -base http://127.0.0.1:8000 -duration 10s -conns 64 /large.bin /small/f1.txt
//
// Each worker fetches the paths in turn over keep-alive connections. A
// request that fails before its response began (connection refused after
// the listener closed, a connection reset in the accept queue, a
// keep-alive connection closed as idle just as a request was sent) is
// counted as "refused": any client retries those. A response whose header
// arrived but whose body ended short of its Content-Length is "dropped":
// what a graceful shutdown must never do. soak/run.sh runs it while it
// sends SIGINT to the server; it exits 1 if any response was dropped.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

func main() {
	base := flag.String("base", "", "server URL, e.g. http://127.0.0.1:8000")
	duration := flag.Duration("duration", 10*time.Second, "how long to send requests")
	conns := flag.Int("conns", 64, "concurrent connections")
	flag.Parse()
	paths := flag.Args()
	if *base == "" || len(paths) == 0 {
		flag.Usage()
		os.Exit(2)
	}

	ctx, cancel := context.WithTimeout(context.Background(), *duration)
	defer cancel()
	tr := &http.Transport{MaxIdleConnsPerHost: *conns, DisableCompression: true}
	client := &http.Client{Transport: tr, Timeout: 60 * time.Second}

	var completed, refused, dropped, bytes atomic.Int64
	var wg sync.WaitGroup
	for w := range *conns {
		wg.Go(func() {
			for i := w; ctx.Err() == nil; i++ {
				req, _ := http.NewRequest("GET", *base+paths[i%len(paths)], nil)
				resp, err := client.Do(req)
				if err != nil {
					refused.Add(1)
					if errors.Is(err, syscall.ECONNREFUSED) {
						return // the listener is closed: nothing more to learn
					}
					continue
				}
				n, err := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				bytes.Add(n)
				if err != nil || resp.ContentLength >= 0 && n != resp.ContentLength {
					dropped.Add(1)
					fmt.Fprintf(os.Stderr, "dropped: %s: %d of %d bytes: %v\n", req.URL.Path, n, resp.ContentLength, err)
					continue
				}
				completed.Add(1)
			}
		})
	}
	wg.Wait()
	tr.CloseIdleConnections()
	fmt.Printf("shutdowncheck completed %d refused %d dropped %d bytes %d\n",
		completed.Load(), refused.Load(), dropped.Load(), bytes.Load())
	if dropped.Load() > 0 {
		os.Exit(1)
	}
	if completed.Load() == 0 {
		fmt.Fprintln(os.Stderr, "no request completed at all")
		os.Exit(1)
	}
}
