// Serves an uploaded file to those who may see the record that owns it. The type comes from the
// row (sniffed from the bytes at upload), never from the name; the headers keep a crafted file
// from being run as a page even if it slipped through.
import type { LoaderFunctionArgs } from '@remix-run/node'
import { getUpload, readUploadBytes } from '#app/models/upload.server.ts'
import { getRequestContext } from '#app/utils/auth.server.ts'
import { isAppError } from '#app/utils/errors.ts'

const UPLOAD_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"

/** RFC 5987 value: percent-encoded UTF-8, including the characters encodeURIComponent leaves alone. */
function encodeFilename(name: string): string {
	return encodeURIComponent(name).replace(/['()*!]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

function notFound() {
	return new Response('Not found', {
		status: 404,
		headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Content-Security-Policy': UPLOAD_CSP, 'Cache-Control': 'no-store' },
	})
}

export async function loader({ request, params }: LoaderFunctionArgs) {
	const { db, actor } = await getRequestContext(request)
	const upload = await getUpload(db, params.uploadId ?? '', actor)
	if (!upload) return notFound()
	let bytes: Buffer
	try {
		bytes = await readUploadBytes(upload)
	} catch (error) {
		if (isAppError(error) && error.code === 'not_found') return notFound()
		throw error
	}
	// Photos show in the page; a PDF is downloaded rather than opened in the site's origin (a PDF may
	// carry scripts and links, and some viewers ignore the sandbox).
	const disposition = upload.contentType === 'application/pdf' ? 'attachment' : 'inline'
	return new Response(new Uint8Array(bytes), {
		status: 200,
		headers: {
			'Content-Type': upload.contentType,
			'Content-Length': String(bytes.byteLength),
			'X-Content-Type-Options': 'nosniff',
			'Content-Disposition': `${disposition}; filename*=UTF-8''${encodeFilename(upload.originalName)}`,
			// Private: a draft's photo must not sit in a shared cache after the need changes hands.
			'Cache-Control': 'private, max-age=3600',
			'Content-Security-Policy': UPLOAD_CSP,
		},
	})
}
