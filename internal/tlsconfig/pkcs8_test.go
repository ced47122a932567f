package tlsconfig

import (
	"crypto/cipher"
	"crypto/x509/pkix"
	"encoding/asn1"
	"errors"
	"testing"
)

// p8 describes an EncryptedPrivateKeyInfo field by field, so each case
// below changes one thing from a well-formed PBES2 structure.
type p8 struct {
	alg, kdf, prf, cipher asn1.ObjectIdentifier
	pbes2Params           []byte // raw PBES2 parameters, if set
	kdfParams             []byte // raw PBKDF2 parameters, if set
	iv                    []byte
	ivRaw                 []byte // raw cipher parameters, if set
	iter, keyLen          int
	data                  []byte
	trailing              bool
}

func (p p8) der(t testing.TB) []byte {
	t.Helper()
	if p.alg == nil {
		p.alg = oidPBES2
	}
	if p.kdf == nil {
		p.kdf = oidPBKDF2
	}
	if p.cipher == nil {
		p.cipher = oidAES128CBC
	}
	if p.iv == nil {
		p.iv = make([]byte, 16)
	}
	if p.iter == 0 {
		p.iter = 1
	}
	if p.data == nil {
		p.data = make([]byte, 32)
	}
	kdf := pbkdf2Params{Salt: []byte("saltsalt"), IterationCount: p.iter, KeyLength: p.keyLen}
	if p.prf != nil {
		kdf.PRF = pkix.AlgorithmIdentifier{Algorithm: p.prf}
	}
	kdfRaw := rawOf(t, kdf)
	if p.kdfParams != nil {
		kdfRaw = asn1.RawValue{FullBytes: p.kdfParams}
	}
	ivRaw := rawOf(t, p.iv)
	if p.ivRaw != nil {
		ivRaw = asn1.RawValue{FullBytes: p.ivRaw}
	}
	params := rawOf(t, pbes2Params{
		KeyDerivationFunc: pkix.AlgorithmIdentifier{Algorithm: p.kdf, Parameters: kdfRaw},
		EncryptionScheme:  pkix.AlgorithmIdentifier{Algorithm: p.cipher, Parameters: ivRaw},
	})
	if p.pbes2Params != nil {
		params = asn1.RawValue{FullBytes: p.pbes2Params}
	}
	out, err := asn1.Marshal(encryptedPrivateKeyInfo{
		Algorithm:     pkix.AlgorithmIdentifier{Algorithm: p.alg, Parameters: params},
		EncryptedData: p.data,
	})
	if err != nil {
		t.Fatal(err)
	}
	if p.trailing {
		out = append(out, 0)
	}
	return out
}

// decryptErrorCase is a PKCS#8 structure decryptPKCS8 must refuse.
type decryptErrorCase struct {
	name string
	in   p8
	raw  []byte // instead of in
	want string
	kind error
}

// decryptErrorCases is the table of TestDecryptPKCS8Errors, also the
// seeds of FuzzDecryptPKCS8.
func decryptErrorCases() []decryptErrorCase {
	null := []byte{5, 0}
	return []decryptErrorCase{
		{name: "not DER", raw: []byte("hello"), want: "malformed PKCS#8 encrypted key", kind: ErrMalformed},
		{name: "trailing data", in: p8{trailing: true}, want: "malformed PKCS#8 encrypted key", kind: ErrMalformed},
		{name: "unknown scheme", in: p8{alg: asn1.ObjectIdentifier{1, 2, 3}}, want: "unsupported PKCS#8 encryption 1.2.3", kind: ErrUnsupported},
		{name: "PBES1", in: p8{alg: asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 5, 3}}, want: errPBES1.Error(), kind: ErrUnsupported},
		{name: "PKCS#12 PBE", in: p8{alg: asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 12, 1, 3}}, want: errPBES1.Error(), kind: ErrUnsupported},
		{name: "PBES2 params not a sequence", in: p8{pbes2Params: null}, want: "malformed PKCS#8 encrypted key", kind: ErrMalformed},
		{name: "scrypt", in: p8{kdf: oidScrypt}, want: errScrypt.Error(), kind: ErrUnsupported},
		{name: "unknown KDF", in: p8{kdf: asn1.ObjectIdentifier{1, 2, 3, 4}}, want: "unsupported PKCS#8 key derivation 1.2.3.4", kind: ErrUnsupported},
		{name: "PBKDF2 params not a sequence", in: p8{kdfParams: null}, want: "malformed PKCS#8 encrypted key", kind: ErrMalformed},
		{name: "unknown PRF", in: p8{prf: asn1.ObjectIdentifier{1, 2, 840, 113549, 2, 5}}, want: "unsupported PBKDF2 hash 1.2.840.113549.2.5", kind: ErrUnsupported},
		{name: "unknown cipher", in: p8{cipher: asn1.ObjectIdentifier{1, 3, 14, 3, 2, 7}}, want: "unsupported PKCS#8 cipher 1.3.14.3.2.7", kind: ErrUnsupported},
		{name: "IV not an octet string", in: p8{ivRaw: null}, want: "malformed PKCS#8 encrypted key", kind: ErrMalformed},
		{name: "IV too short", in: p8{iv: make([]byte, 8)}, want: "malformed PKCS#8 encrypted key", kind: ErrMalformed},
		{name: "key length disagrees", in: p8{keyLen: 32}, want: "malformed PKCS#8 encrypted key", kind: ErrMalformed},
		{name: "iterations below 1", in: p8{iter: -1}, want: "malformed PKCS#8 encrypted key", kind: ErrMalformed},
		{name: "too many iterations", in: p8{iter: maxIterations + 1}, want: "PBKDF2 iteration count 10000001 is above the limit of 10000000", kind: ErrUnsupported},
		{name: "no ciphertext", in: p8{data: []byte{}}, want: "malformed PKCS#8 encrypted key", kind: ErrMalformed},
		{name: "ciphertext not whole blocks", in: p8{data: make([]byte, 20)}, want: "malformed PKCS#8 encrypted key", kind: ErrMalformed},
		// Random bytes under a right-looking structure: bad padding.
		{name: "bad padding", in: p8{data: []byte("0123456789abcdef0123456789abcdef")}, want: "wrong password?", kind: ErrWrongPassword},
	}
}

func TestDecryptPKCS8Errors(t *testing.T) {
	cases := decryptErrorCases()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			der := tc.raw
			if der == nil {
				der = tc.in.der(t)
			}
			_, err := decryptPKCS8(der, []byte(pw), maxIterations)
			if err == nil || err.Error() != tc.want {
				t.Fatalf("decryptPKCS8: %v; want %q", err, tc.want)
			}
			// And through Load, which words it and gives it a kind.
			_, err = loadKey("key.pem", encryptedPEM(der), []byte(pw), false, maxIterations)
			if !errors.Is(err, tc.kind) {
				t.Errorf("loadKey: errors.Is(%v, %v) = false", err, tc.kind)
			}
		})
	}
}

func TestDecryptCBCPadding(t *testing.T) {
	// A zero key and IV make the plaintext predictable: encrypt chosen
	// last blocks and check each padding verdict.
	cases := []struct {
		name    string
		lastPad []byte // the final bytes of the plaintext
		ok      bool
	}{
		{"one byte", []byte{1}, true},
		{"full block", []byte{16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16}, true},
		{"zero", []byte{0}, false},
		{"more than a block", []byte{17}, false},
		{"inconsistent", []byte{3, 2, 3}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			plain := make([]byte, 16)
			copy(plain[16-len(tc.lastPad):], tc.lastPad)
			key, iv := make([]byte, 16), make([]byte, 16)
			block, _ := cbcAES128.block(key)
			ct := make([]byte, 16)
			cipher.NewCBCEncrypter(block, iv).CryptBlocks(ct, plain)
			got, err := decryptCBC(cbcCipher{16, cbcAES128.block}, key, iv, ct)
			if tc.ok && (err != nil || len(got) != 16-int(tc.lastPad[len(tc.lastPad)-1])) {
				t.Errorf("decryptCBC = %x, %v; want unpadded", got, err)
			}
			if !tc.ok && err != errDecrypt {
				t.Errorf("decryptCBC = %x, %v; want errDecrypt", got, err)
			}
		})
	}
}
