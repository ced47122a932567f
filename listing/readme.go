package listing

import (
	"bytes"
	"html/template"
	"io"
	"io/fs"
	"path"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// MaxReadmeSize is the largest README a page renders, in bytes: 256 KiB.
// A larger one is not read; the page says so and links to it.
const MaxReadmeSize = 256 << 10

// readmeNames are the files a page shows below its table, in order of
// preference: the first that is a regular file wins. README.html is
// never one of them: its markup would be the page's own.
var readmeNames = [...]string{"README.md", "README", "README.txt"}

// Readme is the README of a listed directory, ready to show: see
// [Options].Readme.
type Readme struct {
	// Name is the file's name: "README.md", "README" or "README.txt".
	Name string
	// URL is the relative link to the file.
	URL string
	// HTML is the file rendered: README.md as Markdown (CommonMark and
	// GitHub's tables, strikethrough, task lists and bare links), the
	// others as text in a <pre>, and so is a README.md beyond what can be
	// rendered in bounded time and memory: over 64 KiB, or with more than
	// 8,192 '[', a line of 16 KiB, block quotes nested more than 32 deep or
	// a table of hundreds of thousands of cells. Raw HTML in the Markdown shows as text,
	// and a link or image whose URL has a scheme other than http, https
	// or mailto shows as its text alone. Empty when TooLarge.
	HTML template.HTML
	// TooLarge reports a file over [MaxReadmeSize], which is not read.
	TooLarge bool
}

// newMarkdown returns the Markdown converter for READMEs: GitHub's
// flavour, goldmark's default of no raw HTML (which escapeHTML turns from
// omitted into shown as text), no attribute syntax and no heading IDs (so
// no README can set an id or a handler on the page), and safeLinks.
func newMarkdown() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(extension.GFM),
		goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(safeLinks{}, 100))),
		goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(escapeHTML{}, 100))),
	)
}

// readme returns the README of the directory name of fsys, found among
// its entries as listed (so whatever the listing leaves out, hidden or
// unreachable, is never shown, and finding it costs no stat per entry),
// or nil if it has none that can be read. It is read through fsys: an
// [os.Root]'s FS keeps it inside the root.
func (rd *Renderer) readme(fsys fs.FS, name string, entries []Entry) *Readme {
	var present [len(readmeNames)]bool
	for i := range entries {
		e := &entries[i]
		if e.IsDir || len(e.Name) < len("README") || e.Name[0] != 'R' {
			continue
		}
		for k, n := range readmeNames {
			if e.Name == n {
				present[k] = true
			}
		}
	}
	for k, n := range readmeNames {
		if !present[k] {
			continue
		}
		if r, ok := rd.readReadme(fsys, path.Join(name, n), n); ok {
			return r
		}
	}
	return nil
}

// readReadme reads and renders the README at the io/fs name p, whose base
// name is n. It reports false for anything but a regular file, which it
// stats before opening it (opening a FIFO would wait for a writer), and
// for a file it cannot read.
func (rd *Renderer) readReadme(fsys fs.FS, p, n string) (*Readme, bool) {
	r := &Readme{Name: n, URL: href(n, false)}
	fi, err := fs.Stat(fsys, p)
	if err != nil || !fi.Mode().IsRegular() {
		return nil, false
	}
	if fi.Size() > MaxReadmeSize {
		r.TooLarge = true
		return r, true
	}
	f, err := fsys.Open(p)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return nil, false // replaced since the stat
	}
	src, err := io.ReadAll(io.LimitReader(f, MaxReadmeSize+1))
	switch {
	case err != nil:
		return nil, false
	case len(src) > MaxReadmeSize: // grown since the stat
		r.TooLarge = true
		return r, true
	}
	return rd.renderReadme(n, src)
}

// renderReadme renders src, the README named n: README.md as Markdown,
// the others as text.
func (rd *Renderer) renderReadme(n string, src []byte) (*Readme, bool) {
	r := &Readme{Name: n, URL: href(n, false)}
	// The page is UTF-8 and stays valid UTF-8, whatever the file holds.
	src = bytes.ToValidUTF8(src, []byte("\uFFFD"))
	if n != "README.md" || markdownTooCostly(src) {
		r.HTML = template.HTML("<pre class=\"readme-text\">" + template.HTMLEscapeString(string(src)) + "</pre>")
		return r, true
	}
	var b bytes.Buffer
	if err := rd.md().Convert(src, &b); err != nil {
		// goldmark fails only when its writer does; a bytes.Buffer
		// does not.
		return nil, false
	}
	r.HTML = template.HTML(b.String())
	return r, true
}

// The bounds of markdownTooCostly. goldmark parses some shapes of input
// in time quadratic in the paragraph's length, in a line's length or in
// the depth of block quotes, and pads every row of a GFM table to its
// header's width, so that a README.md of 256 KiB could take a minute or
// gigabytes. Within these bounds the worst README.md found takes about a
// tenth of a second; an ordinary one is nowhere near them.
const (
	maxMarkdownSize = 64 << 10 // bytes
	maxLineCost     = 1 << 28  // the sum of the squares of the line lengths: one line of 16 KiB
	maxQuoteNest    = 32       // block quote markers opening one line
	maxCells        = 1 << 18  // (the most '|' on a line + 1) × the number of lines
	maxBrackets     = 8192     // '[', each a possible link to match
)

// markdownTooCostly reports whether src, a README.md, is beyond what
// goldmark renders in bounded time and memory; it is then shown as text.
func markdownTooCostly(src []byte) bool {
	if len(src) > maxMarkdownSize || bytes.Count(src, []byte("[")) > maxBrackets {
		return true
	}
	var lineCost, lines, maxPipes int
	for len(src) > 0 {
		line := src
		if i := bytes.IndexByte(src, '\n'); i >= 0 {
			line, src = src[:i], src[i+1:]
		} else {
			src = nil
		}
		lines++
		lineCost += len(line) * len(line)
		maxPipes = max(maxPipes, bytes.Count(line, []byte("|")))
		quotes := 0
		for _, c := range line {
			if c == '>' {
				quotes++
			} else if c != ' ' && c != '\t' {
				break
			}
		}
		if lineCost > maxLineCost || quotes > maxQuoteNest {
			return true
		}
	}
	return (maxPipes+1)*lines > maxCells
}

// safeURL reports whether a README's link or image may keep its URL: one
// without a scheme (a relative reference, resolved against the listing)
// or with http, https or mailto. It finds the scheme as browsers do
// (WHATWG URL): after dropping leading and trailing C0 controls and
// spaces and every tab and newline, so "java\tscript:" and
// " javascript:" are javascript: URLs, and "a b:c" has no scheme. This
// is the one check between a README's URLs and the page; goldmark's own
// (which drops javascript:, vbscript:, file: and most data: URLs) stays
// in force behind it.
func safeURL(u string) bool {
	u = strings.TrimFunc(u, func(r rune) bool { return r <= ' ' })
	u = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, u)
	scheme, _, ok := strings.Cut(u, ":")
	if !ok || scheme == "" || !isASCIIAlpha(scheme[0]) {
		return true
	}
	for i := 1; i < len(scheme); i++ {
		if c := scheme[i]; !isASCIIAlpha(c) && !('0' <= c && c <= '9') && c != '+' && c != '-' && c != '.' {
			return true // no scheme: "a b:c", "./x:y", "?q=a:b"
		}
	}
	switch strings.ToLower(scheme) {
	case "http", "https", "mailto":
		return true
	}
	return false
}

func isASCIIAlpha(c byte) bool { return 'a' <= c|0x20 && c|0x20 <= 'z' }

// safeLinks is the AST transformer that applies safeURL to every link,
// image and autolink of a README, to the URL goldmark's renderer will
// write (references resolved, percent-encoded): one that fails shows as
// its text alone.
type safeLinks struct{}

func (safeLinks) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	src := reader.Source()
	var unsafe []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Link:
			if !safeURL(string(util.URLEscape(n.Destination, true))) {
				unsafe = append(unsafe, n)
			}
		case *ast.Image:
			if !safeURL(string(util.URLEscape(n.Destination, true))) {
				unsafe = append(unsafe, n)
			}
		case *ast.AutoLink:
			if !safeURL(string(util.URLEscape(n.URL(src), false))) {
				unsafe = append(unsafe, n)
			}
		}
		return ast.WalkContinue, nil
	})
	// The tree is changed after the walk, which must not see it change.
	for _, n := range unsafe {
		parent := n.Parent()
		if a, ok := n.(*ast.AutoLink); ok {
			parent.ReplaceChild(parent, n, ast.NewString(a.Label(src)))
			continue
		}
		for c := n.FirstChild(); c != nil; c = n.FirstChild() {
			n.RemoveChild(n, c)
			parent.InsertBefore(parent, n, c)
		}
		parent.RemoveChild(parent, n)
	}
}

// escapeHTML renders a README's raw HTML, inline and in blocks, as text:
// "<script>" shows as "<script>", where goldmark's default would leave
// a comment saying something was left out.
type escapeHTML struct{}

func (escapeHTML) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindRawHTML, func(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			segs := n.(*ast.RawHTML).Segments
			for i := 0; i < segs.Len(); i++ {
				seg := segs.At(i)
				_, _ = w.Write(util.EscapeHTML(seg.Value(src)))
			}
		}
		return ast.WalkSkipChildren, nil
	})
	reg.Register(ast.KindHTMLBlock, func(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		b := n.(*ast.HTMLBlock)
		_, _ = w.WriteString(`<pre class="readme-html">`)
		lines := b.Lines()
		for i := 0; i < lines.Len(); i++ {
			seg := lines.At(i)
			_, _ = w.Write(util.EscapeHTML(seg.Value(src)))
		}
		if b.HasClosure() {
			_, _ = w.Write(util.EscapeHTML(b.ClosureLine.Value(src)))
		}
		_, _ = w.WriteString("</pre>\n")
		return ast.WalkContinue, nil
	})
}

var _ renderer.NodeRenderer = escapeHTML{}
