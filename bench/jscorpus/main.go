// Command jscorpus writes the compression scenarios' file (issue 16): a
// JavaScript bundle of a fixed size, the same bytes on every run, and the
// sidecars a build tool would ship next to it, as Vite's and webpack's
// compression plugins make them: app.js.br at brotli's quality 11 and
// app.js.gz at gzip's level 9.
//
//	jscorpus -dir /tmp/corpus -size 102400
//
// The script is generated, not copied, from a seeded generator, so that
// it compresses like real code (repeated keywords and names, varied
// literals) rather than like a repeated line. It is cut at the size, so
// its last statement may be incomplete: it is served, never run.
package main

import (
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"os"
	"path/filepath"

	"github.com/andybalholm/brotli"
)

func main() {
	dir := flag.String("dir", ".", "directory to write app.js, app.js.br and app.js.gz into")
	size := flag.Int("size", 100<<10, "size of app.js in bytes")
	flag.Parse()

	src := script(*size)
	var br, gz bytes.Buffer
	bw := brotli.NewWriterLevel(&br, brotli.BestCompression)
	gw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	for _, w := range []interface {
		Write([]byte) (int, error)
		Close() error
	}{bw, gw} {
		if _, err := w.Write(src); err != nil {
			log.Fatal(err)
		}
		if err := w.Close(); err != nil {
			log.Fatal(err)
		}
	}
	for name, b := range map[string][]byte{"app.js": src, "app.js.br": br.Bytes(), "app.js.gz": gz.Bytes()} {
		if err := os.WriteFile(filepath.Join(*dir, name), b, 0o644); err != nil {
			log.Fatal(err)
		}
	}
}

// script returns size bytes of minified-looking JavaScript from a fixed
// seed: short local names, a vocabulary of a few hundred property and
// function names made of random syllables, varied literals. It compresses
// roughly as a minified production bundle does, a little less well
// (bench/README.md has the sizes).
func script(size int) []byte {
	rng := rand.New(rand.NewPCG(16, 2026))
	syll := []string{"ka", "lo", "mi", "ne", "ro", "tu", "sa", "vi", "de", "po", "qu", "xe", "zi", "ba", "fo", "gu", "hy", "ju", "wa", "ce"}
	vocab := make([]string, 200)
	for i := range vocab {
		var w []byte
		for range 2 + rng.IntN(3) {
			w = append(w, syll[rng.IntN(len(syll))]...)
		}
		vocab[i] = string(w)
	}
	word := func() string { return vocab[rng.IntN(len(vocab))] }
	local := func() string {
		const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_$"
		n := 1 + rng.IntN(2)
		b := make([]byte, n)
		for i := range b {
			b[i] = letters[rng.IntN(len(letters))]
		}
		return string(b)
	}
	var b bytes.Buffer
	b.WriteString("\"use strict\";")
	for b.Len() < size {
		a, c, d := local(), local(), local()
		switch rng.IntN(6) {
		case 0:
			fmt.Fprintf(&b, "function %s(%s,%s){var %s=%s.%s(%d);return %s.%s?%s:%s.%s(%s,%q)}",
				word(), a, c, d, a, word(), rng.IntN(1<<20), c, word(), d, a, word(), d, word()+" "+word())
		case 1:
			fmt.Fprintf(&b, "const %s={%s:%d,%s:%q,%s:[%d,%d,%d],%s:!%d};",
				local(), word(), rng.IntN(1<<16), word(), word(), word(), rng.IntN(999), rng.IntN(999), rng.IntN(999), word(), rng.IntN(2))
		case 2:
			fmt.Fprintf(&b, "for(let %s=0;%s<%s.length;%s++){if(%s[%s].%s===%d)break;%s+=%s[%s].%s}",
				a, a, c, a, c, a, word(), rng.IntN(1<<10), d, c, a, word())
		case 3:
			fmt.Fprintf(&b, "%s.prototype.%s=function(%s){return this.%s.%s(%s=>%s.%s!==%s)};",
				word(), word(), a, word(), "filter", c, c, word(), a)
		case 4:
			fmt.Fprintf(&b, "export{%s as %s};", local(), word())
		default:
			fmt.Fprintf(&b, "%s(\"%s\",function(%s){%s.%s(%q,%s.%s||%d)});",
				word(), word(), a, a, word(), word()+"-"+word(), a, word(), rng.IntN(1<<12))
		}
	}
	return b.Bytes()[:size]
}
