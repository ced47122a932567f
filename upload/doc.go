// Package upload applies a client's writes to a directory opened as an
// [os.Root]: files sent with PUT or a multipart/form-data POST, new
// folders (MKCOL), deletions (DELETE) and renames (MOVE), and the same
// three as plain HTML forms for pages without JavaScript.
//
//	root, err := os.OpenRoot("incoming")
//	if err != nil {
//		log.Fatal(err)
//	}
//	up := upload.New(root, upload.Options{AllowUpload: true})
//	files := fileserver.New(fileserver.RootFS(root), fileserver.Options{})
//	http.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
//		if r.Method == http.MethodGet || r.Method == http.MethodHead {
//			files.ServeHTTP(w, r)
//			return
//		}
//		up.ServeHTTP(w, r)
//	}))
//
// # Requests
//
//   - PUT /dir/name: the body, streamed, becomes dir/name. 201 with
//     Location for a new file, 204 for a replaced one ([Options].Overwrite),
//     409 when the name exists and may not be replaced, or the directory
//     is missing.
//   - POST /dir/ with multipart/form-data: each part with a file name
//     becomes a file in dir; a file name with slashes (a browser's folder
//     picker sends "photos/2026/a.jpg") creates the folders under dir. An
//     existing name is kept and the new file gets "name (1).ext" (up to
//     "name (99).ext") unless Overwrite is set. The answer is 303 to the
//     directory, or, to a client that prefers JSON, 201 with
//     {"files":[{"name":…,"size":…}]}, the final names relative to dir.
//   - MKCOL /dir/new (with or without the slash): 201; 405 if the name
//     exists, 409 if its parent does not, as in WebDAV (RFC 4918 §9.3).
//   - DELETE /dir/name: 204. A directory is removed only when it is
//     empty (409 otherwise), so one request never removes a tree whose
//     contents it has not named, denied ones included.
//   - MOVE /dir/name with Destination: /other/new (a path, or an absolute
//     URL of the same scheme and host, under the same mount): 201, or 204
//     when it replaced a file, which needs both Overwrite and the
//     request's Overwrite header not "F"; otherwise an existing
//     destination gets 412. A destination on another host gets 502, as
//     RFC 4918 §9.9.4 says.
//   - POST /dir/ with application/x-www-form-urlencoded fields
//     action=mkdir&name=N, action=delete&name=N or action=move&name=N&to=M
//     (N and M one name each, in dir): the same as MKCOL, DELETE and MOVE
//     (a form's rename never replaces), answered 303 to the directory or
//     JSON.
//
// Any other method, or one the options do not allow, gets 405 with an
// Allow header. GET and HEAD are never served here and never change
// anything.
//
// # Security
//
// Every file-system call goes through the root, so no request reaches a
// file outside it, whatever symlinks the tree holds. On top of that:
//
//   - Every segment of the URL path and of each multipart file name must
//     pass [safepath.ValidSegment]: no "..", ".", empty segment, slash or
//     backslash, NUL or control character, ":" (NTFS streams), Windows
//     device name, trailing dot or space, or name over 255 bytes; the
//     request gets 400. Nothing is resolved: "/a/../b" is refused, not
//     taken as "/b".
//   - A write never goes through a symbolic link: a link among the
//     directories above the target gets 409. The hide and deny rules of
//     [access.Policy] are judged on the names a request uses, and a link
//     would let it reach a denied directory under another name. A link
//     as the target itself is replaced, deleted or moved as a link; its
//     target is never written.
//   - Every name a request writes, creates, deletes or moves (both the
//     source and the destination) is checked with
//     [access.Policy.Check] as [access.Write]: a denied name answers 404
//     as if missing, and one that needs a user 401.
//   - Every request passes [http.CrossOriginProtection] first, whatever
//     else is configured: a browser's cross-site request (Sec-Fetch-Site,
//     or an Origin naming another host) gets 403 before anything is read.
//   - A body is received into a new temporary file (O_EXCL, named
//     ".upload-*.tmp") in the target directory, synced, then published: with
//     Rename when it may replace, else with Link and the removal of the
//     temporary name, so of two uploads of one new name exactly one wins
//     and there is no moment when the name holds part of a file. A body
//     over MaxBytes (413, refused before it is sent when Content-Length
//     already says so), a client that goes away, a full disk (507): the
//     temporary file is removed and what the name held before is intact.
//
// Each change is logged to ErrorLog at level Info, one line with the
// user ([access.User]), the method, the final path and the bytes written;
// the causes of errors go there too, never into a response.
package upload
