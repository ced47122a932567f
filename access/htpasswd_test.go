package access

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// testHash caches bcrypt hashes of the test passwords, at the lowest cost.
var testHash = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	for _, pw := range []string{"s3cret", "pa:ss:word", "ünïcode", strings.Repeat("x", 72)} {
		h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.MinCost)
		if err != nil {
			panic(err)
		}
		m[pw] = string(h)
	}
	return m
})

// htpasswdLine is a line as "htpasswd -B" writes it ($2y$).
func htpasswdLine(user, password string) string {
	return user + ":$2y$" + testHash()[password][4:] + "\n"
}

func mustUsers(t testing.TB, lines ...string) *Users {
	t.Helper()
	u, err := ParseHtpasswd(strings.NewReader(strings.Join(lines, "")))
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestParseHtpasswd(t *testing.T) {
	h := testHash()["s3cret"]
	u := mustUsers(t,
		"# made by htpasswd -B\n",
		"\n",
		"   \t\n",
		"  # indented comment\n",
		htpasswdLine("ann", "s3cret"),
		"bob:"+h+"\r\n",   // $2a$, CRLF
		"carl:$2b$"+h[4:], // no final newline
	)
	if u.Len() != 3 {
		t.Fatalf("Len() = %d; want 3", u.Len())
	}
	for _, user := range []string{"ann", "bob", "carl"} {
		if !u.verify(user, "s3cret") {
			t.Errorf("verify(%q, right password) = false", user)
		}
		if u.verify(user, "s3cre") || u.verify(user, "") {
			t.Errorf("verify(%q, wrong password) = true", user)
		}
	}
	if u.verify("dan", "s3cret") || u.verify("", "s3cret") {
		t.Error("verify(unknown user) = true")
	}
	if c, _ := bcrypt.Cost(u.dummy); c != bcrypt.MinCost {
		t.Errorf("dummy hash cost %d; want the file's, %d", c, bcrypt.MinCost)
	}
}

// TestParseHtpasswdHostile: every line that is not a bcrypt user is
// refused with an error naming its line, and no error repeats the hash.
func TestParseHtpasswdHostile(t *testing.T) {
	good := htpasswdLine("ann", "s3cret")
	bcryptTail := testHash()["s3cret"][4:]
	for _, tt := range []struct {
		input, want string
	}{
		{"", "no users"},
		{"# only a comment\n\n", "no users"},
		{good + "ann:$apr1$rDmXKlWS$EK3dnB9WbaKFYQFMz.nEr/\n", "line 2: user \"ann\": $apr1$"},
		{"joe:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n", "line 1: user \"joe\": {SHA}"},
		{"joe:$1$abcdefgh$ABCDEFGHIJKLMNOPQRSTUV\n", "$1$ (MD5 crypt)"},
		{"joe:$6$salt$" + strings.Repeat("a", 86) + "\n", "SHA-crypt"},
		{"joe:$5$salt$" + strings.Repeat("a", 43) + "\n", "SHA-crypt"},
		{"joe:rl0Pj1uGPgwI.\n", "crypt or plain-text"},      // DES crypt
		{"joe:hunter2\n", "crypt or plain-text"},            // plain
		{"joe:\n", "crypt or plain-text"},                   // empty hash
		{"joe:$2x$" + bcryptTail + "\n", "bcrypt variant"},  // 2x: buggy variant
		{"joe:$argon2id$v=19$m=65536$xyz\n", "this scheme"}, // another scheme
		{"joe:$2y$" + bcryptTail[:20] + "\n", "not a valid bcrypt hash"},
		{"joe:$2y$99" + bcryptTail[2:] + "\n", "not a valid bcrypt hash"},
		{"joe:$2y$31" + bcryptTail[2:] + "\n", "bcrypt cost 31 is over 17"},
		{"joe:$2y$18" + bcryptTail[2:] + "\n", "bcrypt cost 18 is over 17"},
		{"joe:$2y$" + bcryptTail + "x\n", "not a valid bcrypt hash"},
		{"joe:$2y$" + bcryptTail + ":extra\n", "not a valid bcrypt hash"},
		{"hunter2\n", `line 1: no ":"`},
		{good + ":$2y$" + bcryptTail + "\n", "line 2: empty user name"},
		{"jo\x1be:$2y$" + bcryptTail + "\n", "control character"},
		{"jo\xffe:$2y$" + bcryptTail + "\n", "invalid UTF-8"},
		{"jo\u0085e:$2y$" + bcryptTail + "\n", "control character"},
		{good + "# x\n" + good, `line 3: user "ann" appears twice`},
	} {
		_, err := ParseHtpasswd(strings.NewReader(tt.input))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseHtpasswd(%q): error %v; want one with %q", tt.input, err, tt.want)
			continue
		}
		if _, hash, ok := strings.Cut(strings.TrimSpace(strings.Split(tt.input, "\n")[0]), ":"); ok && len(hash) > 4 && strings.Contains(err.Error(), hash[4:]) {
			t.Errorf("ParseHtpasswd(%q): error %q repeats the hash", tt.input, err)
		}
		if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), bcryptTail[10:]) {
			t.Errorf("ParseHtpasswd(%q): error %q repeats the secret", tt.input, err)
		}
	}
}

func TestParseHtpasswdTooLarge(t *testing.T) {
	big := strings.Repeat("#"+strings.Repeat("x", 1023)+"\n", maxHtpasswdBytes/1024+1)
	if _, err := ParseHtpasswd(strings.NewReader(big)); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("ParseHtpasswd(9 MB) error %v; want too large", err)
	}
}

func TestLoadHtpasswd(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "users")
	if err := os.WriteFile(name, []byte(htpasswdLine("ann", "s3cret")), 0o600); err != nil {
		t.Fatal(err)
	}
	if u, err := LoadHtpasswd(name); err != nil || u.Len() != 1 {
		t.Errorf("LoadHtpasswd: %v, %v", u, err)
	}
	if _, err := LoadHtpasswd(filepath.Join(dir, "missing")); !os.IsNotExist(err) {
		t.Errorf("LoadHtpasswd(missing) error %v; want not exist", err)
	}
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, nil, 0o600)
	if _, err := LoadHtpasswd(empty); err == nil || !strings.Contains(err.Error(), empty) {
		t.Errorf("LoadHtpasswd(empty) error %v; want one naming the file", err)
	}
}

// FuzzHtpasswd: ParseHtpasswd never panics, an error never repeats a
// line's hash, and every user it accepts verifies against nothing but
// the password of its hash (checked for the seeds' password only, to
// keep bcrypt's cost bounded).
func FuzzHtpasswd(f *testing.F) {
	f.Add(htpasswdLine("ann", "s3cret"))
	f.Add("# c\n\r\n" + htpasswdLine("ann", "s3cret") + htpasswdLine("bob", "s3cret"))
	f.Add("ann:$apr1$rDmXKlWS$EK3dnB9WbaKFYQFMz.nEr/\n")
	f.Add("joe:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n")
	f.Add("hunter2")
	f.Add(":x\n")
	f.Add("a\x00:b\n")
	f.Fuzz(func(t *testing.T, input string) {
		u, err := ParseHtpasswd(strings.NewReader(input))
		if err != nil {
			if u != nil {
				t.Fatal("users with an error")
			}
			for _, line := range strings.Split(input, "\n") {
				user, hash, ok := strings.Cut(line, ":")
				if ok && len(hash) >= 16 && !strings.Contains(user, hash) && strings.Contains(err.Error(), hash) {
					t.Fatalf("error %q repeats a hash", err)
				}
			}
			return
		}
		if u.Len() == 0 || u.Len() > strings.Count(input, ":") {
			t.Fatalf("Len() = %d for %q", u.Len(), input)
		}
		for user, hash := range u.hashes {
			if user == "" || strings.Contains(user, "\n") || len(hash) != 60 {
				t.Fatalf("accepted user %q with hash of %d bytes", user, len(hash))
			}
		}
	})
}
