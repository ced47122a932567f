// Package encoding is the one place where a request's Accept-Encoding is
// read and a response's content coding is chosen, so that on-the-fly
// compression (middleware.Compress) and precompressed files (fileserver)
// answer the same header the same way.
//
//	coding, ok := encoding.Negotiate(r.Header["Accept-Encoding"], []string{encoding.Brotli, encoding.Gzip})
//	switch {
//	case !ok:
//		// identity refused and nothing offered fits: 406
//	case coding == encoding.Identity:
//		// send the bytes as they are
//	default:
//		// send them encoded with coding, under encoding.ETag(etag, coding)
//	}
//
// # Negotiation
//
// [Negotiate] reads every Accept-Encoding field line as one list (RFC 9110
// §5.3) of codings with optional weights (§12.4.2, §12.5.3). The client's
// weights decide; on a tie the server's order decides (in this module br,
// zstd, gzip for bytes compressed once at strong levels, where brotli's
// output is the smallest; zstd, br, gzip for streams at fast levels, where
// zstd's is smaller and made faster), and a coding wins a tie with
// identity. "*" stands for
// every coding the list does not name, identity included, and "x-gzip" is
// gzip (§8.4.1.3). Identity is acceptable unless "identity;q=0", or
// "*;q=0" without an entry for identity, refuses it; only then may the
// answer be "nothing acceptable" (406). No Accept-Encoding at all, or an
// empty one, means identity. An element that does not parse (a weight
// that is not a qvalue, a name that is not a token) is ignored, as if the
// client had not sent it: a hostile header can only make a response less
// compressed, never make it use a coding the client did not ask for.
//
// # What is compressed
//
// [Compressible] says which Content-Types gain from compression: text,
// JSON, JavaScript, XML, SVG, WASM, uncompressed fonts. Formats that are
// compressed already (images, audio, video, archives, WOFF) and unknown
// binary types are not.
//
// # Encoders
//
// [NewEncoder] gives a pooled streaming encoder at a fast level, for
// responses produced as they are sent; [Encode] compresses a whole buffer
// once, at a level that takes longer and saves more, for bytes that are
// cached and sent many times.
//
// # Validators
//
// A strong ETag names one sequence of bytes, so a response encoded on the
// fly must not carry the ETag of the unencoded one (RFC 9110 §8.8.3.3).
// [ETag] derives the encoding-specific tag ("abc" becomes "abc-br"), and
// [AddBaseETags] turns the conditional header fields a client sends back
// into ones that the handler which made the original tag still matches.
package encoding
