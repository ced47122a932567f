package encoding

import "testing"

func TestETag(t *testing.T) {
	for _, tt := range []struct{ etag, coding, want string }{
		{`"abc"`, Brotli, `"abc-br"`},
		{`"abc"`, Zstd, `"abc-zstd"`},
		{`"abc"`, Gzip, `"abc-gzip"`},
		{`""`, Gzip, `"-gzip"`},
		{`"18a2b-3f"`, Identity, `"18a2b-3f"`},
		{`"abc"`, "", `"abc"`},
		{`W/"abc"`, Brotli, `W/"abc"`}, // weak: same meaning, same tag
		{`abc`, Brotli, `abc`},         // malformed: left alone
		{`"a"b"`, Brotli, `"a"b"`},
		{`"a b"`, Brotli, `"a b"`},
		{`"`, Brotli, `"`},
		{``, Brotli, ``},
		{"\"\xff\"", Brotli, "\"\xff-br\""}, // obs-text is etagc
	} {
		if got := ETag(tt.etag, tt.coding); got != tt.want {
			t.Errorf("ETag(%q, %q) = %q; want %q", tt.etag, tt.coding, got, tt.want)
		}
	}
}

var addBaseTests = []struct {
	list, coding, want string
	added              bool
}{
	{`"abc-br"`, Brotli, `"abc-br", "abc"`, true},
	{`W/"abc-br"`, Brotli, `W/"abc-br", W/"abc"`, true},
	{`"x", "abc-gzip" , "y"`, Gzip, `"x", "abc-gzip", "abc", "y"`, true},
	{`"a-br","b-br"`, Brotli, `"a-br", "a", "b-br", "b"`, true},
	{`"-br"`, Brotli, `"-br", ""`, true},
	{` ,"a-zstd",, `, Zstd, `"a-zstd", "a"`, true},
	// Nothing to add.
	{`"abc-br"`, Gzip, `"abc-br"`, false}, // another coding's form is another representation
	{`"abc"`, Brotli, `"abc"`, false},
	{`"abc-br"`, Identity, `"abc-br"`, false},
	{`*`, Brotli, `*`, false},
	{``, Brotli, ``, false},
	{`"br"`, Brotli, `"br"`, false},
	// Not a list of entity tags: left for the handler to judge.
	{`"abc-br`, Brotli, `"abc-br`, false},
	{`abc-br"`, Brotli, `abc-br"`, false},
	{`"abc-br" "x"`, Brotli, `"abc-br" "x"`, false},
	{`"abc-br", *`, Brotli, `"abc-br", *`, false},
	{`"a b-br"`, Brotli, `"a b-br"`, false},
	{`w/"abc-br"`, Brotli, `w/"abc-br"`, false},
}

func TestAddBaseETags(t *testing.T) {
	for _, tt := range addBaseTests {
		got, added := AddBaseETags(tt.list, tt.coding)
		if got != tt.want || added != tt.added {
			t.Errorf("AddBaseETags(%q, %q) = %q, %v; want %q, %v", tt.list, tt.coding, got, added, tt.want, tt.added)
		}
	}
}

func TestListsETag(t *testing.T) {
	for _, tt := range []struct {
		values []string
		etag   string
		want   bool
	}{
		{[]string{`"a"`}, `"a"`, true},
		{[]string{`"x", W/"a"`}, `"a"`, true},
		{[]string{`"x"`, `"a"`}, `"a"`, true},
		{[]string{`"a"`}, `W/"a"`, true},
		{[]string{`"ab"`}, `"a"`, false},
		{[]string{`*`}, `"a"`, false},
		{[]string{`"a`}, `"a"`, false},
		{nil, `"a"`, false},
		{[]string{`"a"`}, `a`, false},
		{[]string{`""`}, `""`, true},
	} {
		if got := ListsETag(tt.values, tt.etag); got != tt.want {
			t.Errorf("ListsETag(%q, %q) = %v; want %v", tt.values, tt.etag, got, tt.want)
		}
	}
}
