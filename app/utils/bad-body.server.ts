// A request body that cannot be read as a form (multipart without a boundary, a cut-off or
// malformed multipart stream) is the client's mistake: a 400 with a short bilingual page, not the
// 500 page. Routes call request.formData() themselves; when it throws, entry.server.tsx's
// handleError marks the request here and handleRequest / handleDataRequest answer 400.

const MESSAGES = ['Failed to parse body as FormData.', 'Could not parse content as FormData.']

export function isMalformedBody(error: unknown): boolean {
	if (!(error instanceof Error)) return false
	return MESSAGES.includes(error.message) || error.message.startsWith('malformed ')
}

const marked = new WeakSet<Request>()

export function markBadBody(request: Request): void {
	marked.add(request)
}

export function hadBadBody(request: Request): boolean {
	return marked.has(request)
}

export function badBodyResponse(headers: Headers = new Headers()): Response {
	headers.set('Content-Type', 'text/html; charset=utf-8')
	headers.set('Cache-Control', 'no-store')
	const page = `<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex">
<title>请求无法读取 · Bad request · 帮扶 Bangfu</title></head>
<body><main role="alert"><h1>400 · 请求无法读取</h1><p>提交的表单数据不完整或格式有误，未保存任何内容。请<a href="">返回页面</a>重新提交。</p>
<h1 lang="en">Bad request</h1><p lang="en">The submitted form could not be read; nothing was saved. <a href="">Go back</a> and submit it again.</p></main></body></html>
`
	return new Response(page, { status: 400, headers })
}
