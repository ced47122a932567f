package listing

import (
	"strconv"
	"strings"
	"time"
)

// Page is what an HTML listing template, the built-in modern one or
// [Options].Template, is executed with. Every string is plain text: the
// template (html/template) escapes it for where it is used.
type Page struct {
	// Listing is the model, sorted as the page shows it.
	Listing *Listing
	// Title is Python's title, "Directory listing for /docs/", with
	// control and bidi characters escaped visibly.
	Title string
	// Parent is "../", the relative link to the parent directory, or ""
	// at the root of the FS.
	Parent string
	// Crumbs are the heading's path cut into links, the mount's root
	// first ("/files/", "docs/", "api/"); their texts joined are Path. Nil
	// when the path does not end in the directory (then the heading is
	// Title as text).
	Crumbs []Crumb
	// Dirs and Files count the entries: directories (symlinks to one
	// included) and the rest.
	Dirs, Files int
	// Rows are the entries, ready to show, in Listing's order.
	Rows []Row
	// Sort ("name", "size" or "time"), Order ("asc" or "desc") and
	// DirsFirst are the order the rows are in.
	Sort      string
	Order     string
	DirsFirst bool
	// Readme is the directory's README, with [Options].Readme; nil
	// without it, or when the directory has none.
	Readme *Readme
	// Actions are the forms to offer ([Options].Actions).
	Actions Actions

	// Downloads are the archive links the page shows ([Options].Downloads).
	Downloads []Download
	// SearchBox shows the search form ([Options].SearchBox).
	SearchBox bool
	// Search is set on a page of search results ([Renderer.ServeSearch]):
	// Rows are then the names found, by their path relative to the
	// directory.
	Search *SearchInfo

	defaultDirsFirst bool
}

// Download is a link to the directory as an archive.
type Download struct {
	Format string // "zip", "tar.gz"
	URL    string // "?download=zip"
}

// SearchInfo describes a page of search results.
type SearchInfo struct {
	// Query is the text searched for, as the client sent it.
	Query string
	// Count is the number of names found.
	Count int
	// Stopped says why the search stopped early ([Stop].String), or "".
	Stopped string
}

// Crumb is one segment of a [Page]'s heading.
type Crumb struct {
	// Text is the segment as shown, with its trailing "/": "docs/", or
	// for the first, everything up to the mount's root, "/files/".
	Text string
	// URL is the relative link to the segment's directory: "./",
	// "../", "../../"…, so that it works under any mount prefix.
	URL string
	// Current marks the last crumb, the listed directory itself.
	Current bool
}

// Row is one entry of a [Page]. Its fields are flat, not an embedded
// [Entry]: html/template looks fields up by reflection on every use, and
// a promoted field costs a search of the embedded struct each time.
type Row struct {
	Name      string    // the raw name, as in [Entry]
	IsDir     bool      // as in [Entry]
	IsSymlink bool      // as in [Entry]
	Size      int64     // as in [Entry]
	ModTime   time.Time // as in [Entry]
	// Display is the name as Python's page shows it ("name/" for a
	// directory, "name@" for a symlink), with control characters, bidi
	// controls and bytes that are not UTF-8 shown as \xHH or \uHHHH
	// escapes, so that no name can disguise its extension.
	Display string
	// URL is the relative link to the entry, the one Python's page has.
	URL string
	// HumanSize is the size in B, KiB, MiB…; "" for a directory.
	// SizeText is the same with "—" for a directory.
	HumanSize string
	SizeText  string
	// Time is the modification time in UTC, "2006-01-02 15:04"; "" when
	// unknown. ISOTime is the same in RFC 3339, for a custom template's
	// <time datetime> (the built-in page shows Time only).
	Time    string
	ISOTime string
}

// newPage returns the page for l. Rows are filled in only when withRows
// is set: the built-in page writes its rows straight from l.Entries.
func newPage(l *Listing, q query, name string, withRows bool) *Page {
	p := &Page{
		Listing:          l,
		Title:            "Directory listing for " + visible(l.Path),
		Sort:             q.order.By.String(),
		Order:            direction(q.order.Desc),
		DirsFirst:        q.order.DirsFirst,
		defaultDirsFirst: q.defaultDirsFirst,
	}
	if name != "." {
		p.Parent = "../"
	}
	p.Crumbs = crumbs(l.Path, name)
	for i := range l.Entries {
		if l.Entries[i].IsDir {
			p.Dirs++
		}
	}
	p.Files = len(l.Entries) - p.Dirs
	if !withRows {
		return p
	}
	p.Rows = make([]Row, len(l.Entries))
	for i, e := range l.Entries {
		d := visible(e.Name) + e.mark()
		row := Row{
			Name: e.Name, IsDir: e.IsDir, IsSymlink: e.IsSymlink, Size: e.Size, ModTime: e.ModTime,
			Display: d, URL: href(e.Name, e.IsDir), SizeText: "—",
		}
		if !e.IsDir {
			row.HumanSize = humanSize(e.Size)
			row.SizeText = row.HumanSize
		}
		if !e.ModTime.IsZero() {
			t := e.ModTime.UTC()
			row.Time = t.Format(rowTime)
			row.ISOTime = t.Format(time.RFC3339)
		}
		p.Rows[i] = row
	}
	return p
}

// crumbs cuts the client's path of the directory name into [Crumb]s: one
// for each of name's segments, the last ones of urlPath, and one before
// them for the rest of urlPath, which leads to the root of the FS. It
// returns nil when urlPath does not end in "/" or has fewer segments than
// name: relative links would not lead where their texts say.
func crumbs(urlPath, name string) []Crumb {
	if !strings.HasSuffix(urlPath, "/") || !strings.HasPrefix(urlPath, "/") {
		return nil
	}
	depth := 0
	if name != "." {
		depth = strings.Count(name, "/") + 1
	}
	segs := strings.Split(strings.Trim(urlPath, "/"), "/")
	if urlPath == "/" {
		segs = nil
	}
	if len(segs) < depth {
		return nil
	}
	up := func(n int) string {
		if n == 0 {
			return "./"
		}
		return strings.Repeat("../", n)
	}
	root := "/"
	if k := len(segs) - depth; k > 0 {
		root += strings.Join(segs[:k], "/") + "/"
	}
	cs := make([]Crumb, 0, depth+1)
	cs = append(cs, Crumb{Text: visible(root), URL: up(depth)})
	for i, seg := range segs[len(segs)-depth:] {
		cs = append(cs, Crumb{Text: visible(seg) + "/", URL: up(depth - 1 - i)})
	}
	cs[len(cs)-1].Current = true
	return cs
}

// SortURL returns the relative link ("?sort=size&order=desc") that sorts
// the page by key ("name", "size" or "time"): ascending, or the reverse of
// the current order when the page is already sorted by key. Being a
// query-only reference, it works under any mount prefix.
func (p *Page) SortURL(key string) string {
	o := "asc"
	if key == p.Sort && p.Order == "asc" {
		o = "desc"
	}
	return "?sort=" + key + "&order=" + o + p.dirsParam(p.DirsFirst)
}

// SortMark returns "▲" or "▼" for the column the page is sorted by, ""
// for the others.
func (p *Page) SortMark(key string) string {
	switch {
	case key != p.Sort:
		return ""
	case p.Order == "desc":
		return "▼"
	}
	return "▲"
}

// DirsURL returns the relative link that keeps the current sort and turns
// directories-first grouping on (first) or off.
func (p *Page) DirsURL(first bool) string {
	u := "?sort=" + p.Sort + "&order=" + p.Order + p.dirsParam(first)
	if first == p.defaultDirsFirst && p.Sort == "name" && p.Order == "asc" {
		return "?"
	}
	return u
}

func (p *Page) dirsParam(first bool) string {
	switch {
	case first == p.defaultDirsFirst:
		return ""
	case first:
		return "&dirs=first"
	}
	return "&dirs=mixed"
}

// humanSize formats n bytes with binary prefixes: "512 B", "1.5 KiB".
func humanSize(n int64) string { return string(appendHumanSize(nil, n)) }

// appendHumanSize appends humanSize(n) to b.
func appendHumanSize(b []byte, n int64) []byte {
	if n < 1024 {
		return append(strconv.AppendInt(b, n, 10), " B"...)
	}
	const units = "KMGTPE"
	f := float64(n)
	i := -1
	for f >= 1024 && i < len(units)-1 {
		f /= 1024
		i++
	}
	prec := 1
	if f >= 100 {
		prec = 0
	}
	b = strconv.AppendFloat(b, f, 'f', prec, 64)
	return append(append(append(b, ' '), units[i]), "iB"...)
}
