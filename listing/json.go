package listing

import (
	"bytes"
	"encoding/json"
	"time"
)

// jsonListing is the JSON form of a listing: the schema the package
// documentation gives.
type jsonListing struct {
	Path    string      `json:"path"`
	Sort    string      `json:"sort"`
	Order   string      `json:"order"`
	Entries []jsonEntry `json:"entries"`
}

// jsonEntry is one entry of a jsonListing.
type jsonEntry struct {
	Name      string     `json:"name"`
	URL       string     `json:"url"`
	IsDir     bool       `json:"is_dir"`
	IsSymlink bool       `json:"is_symlink"`
	Size      int64      `json:"size"`
	ModTime   *time.Time `json:"mod_time"`
}

// writeJSON writes l to b as JSON, in the order q asked for, indented and
// ending in a newline.
func writeJSON(b *bytes.Buffer, l *Listing, q query) error {
	out := jsonListing{Path: l.Path, Sort: q.order.By.String(), Order: direction(q.order.Desc), Entries: jsonEntries(l.Entries)}
	enc := json.NewEncoder(b)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// jsonEntries returns the JSON form of entries, for listings and search
// results alike.
func jsonEntries(entries []Entry) []jsonEntry {
	out := make([]jsonEntry, len(entries))
	for i, e := range entries {
		je := jsonEntry{Name: e.Name, URL: href(e.Name, e.IsDir), IsDir: e.IsDir, IsSymlink: e.IsSymlink, Size: e.Size}
		if !e.ModTime.IsZero() {
			t := e.ModTime.UTC()
			je.ModTime = &t
		}
		out[i] = je
	}
	return out
}
