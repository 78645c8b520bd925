// When the database (or another backing service) cannot be reached, a request is not the user's
// fault and not a bug: it is answered with 503, a Retry-After and a friendly page in both
// languages, and the next request tries again (the mysql2 pool drops dead connections and opens
// new ones by itself). entry.server.tsx's handleError spots these errors; handleRequest and
// handleDataRequest turn the request into the 503.

/** Seconds a client should wait before retrying; the page reloads itself after as long. */
export const RETRY_AFTER_SECONDS = 5

// mysql2 error codes that mean "the server is gone or going", not "your query is wrong".
const DATABASE_CODES = new Set([
	'PROTOCOL_CONNECTION_LOST',
	'PROTOCOL_SEQUENCE_TIMEOUT',
	'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR',
	'PROTOCOL_ENQUEUE_AFTER_QUIT',
	'PROTOCOL_ENQUEUE_HANDSHAKE_TWICE',
	'ER_SERVER_SHUTDOWN', // 1053: the server is shutting down
	'ER_CONNECTION_KILLED', // 1927 (MariaDB): connection killed, e.g. by a shutdown
	'ER_QUERY_INTERRUPTED', // 1317: the query was interrupted by a shutdown or KILL
	'ER_CON_COUNT_ERROR', // 1040: too many connections
	'ER_NET_READ_ERROR',
	'ER_NET_READ_INTERRUPTED',
	'ER_NET_ERROR_ON_WRITE',
	'ER_NET_WRITE_INTERRUPTED',
	'ER_NET_PACKETS_OUT_OF_ORDER',
	'ER_CLIENT_INTERACTION_TIMEOUT',
	// better-sqlite3: the file is locked past busy_timeout or cannot be opened (disk gone).
	'SQLITE_BUSY',
	'SQLITE_BUSY_RECOVERY',
	'SQLITE_BUSY_SNAPSHOT',
	'SQLITE_BUSY_TIMEOUT',
	'SQLITE_LOCKED',
	'SQLITE_LOCKED_SHAREDCACHE',
	'SQLITE_CANTOPEN',
	'SQLITE_CANTOPEN_ISDIR',
	'SQLITE_CANTOPEN_FULLPATH',
	'SQLITE_CANTOPEN_CONVPATH',
])

// Socket errors: the other end is unreachable (ECONNREFUSED while MariaDB restarts, ETIMEDOUT
// when it does not answer the handshake).
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED'])

// mysql2 errors without a code that say the pool or connection is unusable.
const MESSAGES = [/^Pool is closed\.?$/, /^Can't add new command when connection is in closed state$/, /^Connection lost: The server closed the connection\.?$/]

/** The error (or one of its causes) says a backing service is unreachable: answer 503, not 500. */
export function isServiceOutage(error: unknown): boolean {
	const seen = new Set<unknown>()
	const queue: unknown[] = [error]
	while (queue.length) {
		const e = queue.shift()
		if (!e || typeof e !== 'object' || seen.has(e)) continue
		seen.add(e)
		const { code, fatal, message, cause, errors } = e as { code?: unknown; fatal?: unknown; message?: unknown; cause?: unknown; errors?: unknown }
		if (typeof code === 'string' && (DATABASE_CODES.has(code) || NETWORK_CODES.has(code))) return true
		// mysql2 marks the errors that end a connection `fatal`; a bad query never is.
		if (fatal === true) return true
		if (typeof message === 'string' && MESSAGES.some((m) => m.test(message))) return true
		queue.push(cause)
		if (Array.isArray(errors)) queue.push(...errors)
	}
	return false
}

/** A short description for the log: the first code found, never the SQL or the data. */
export function outageSummary(error: unknown): string {
	let e: unknown = error
	for (let depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
		const { code, message, cause } = e as { code?: unknown; message?: unknown; cause?: unknown }
		if (typeof code === 'string') return code
		if (typeof message === 'string' && MESSAGES.some((m) => m.test(message))) return message
		e = cause
	}
	return error instanceof Error ? error.name : 'unknown'
}

// Requests that met an outage, marked by handleError and read when the response is made.
const outageRequests = new WeakSet<Request>()

export function markOutage(request: Request): void {
	outageRequests.add(request)
}

export function hadOutage(request: Request): boolean {
	return outageRequests.has(request)
}

/**
 * The 503 page: static HTML in both languages, since the layout's data (session, menu, language
 * cookie) comes from the database that is down. No scripts; it reloads itself after Retry-After.
 */
export function outagePage(): string {
	return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${RETRY_AFTER_SECONDS * 3}">
<meta name="robots" content="noindex">
<title>服务暂时不可用 · Service temporarily unavailable · 帮扶 Bangfu</title>
<style>
body{margin:0;font-family:system-ui,-apple-system,"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;color:#222;background:#f6f4f1;line-height:1.6}
main{max-width:36rem;margin:10vh auto;padding:1.5rem;background:#fff;border-top:6px solid #b71c1c;border-radius:8px}
h1{font-size:1.4rem;margin:0 0 .5rem}p{margin:.25rem 0 1rem}.en{color:#555}a{color:#b71c1c}
</style>
</head>
<body>
<main role="alert">
<h1>503 · 服务暂时不可用</h1>
<p>系统正在恢复，您的数据是安全的。请稍后<a href="">刷新页面</a>；如果刚才提交了表单，请在恢复后确认是否已保存。</p>
<h1 class="en" lang="en">Service temporarily unavailable</h1>
<p class="en" lang="en">Bangfu is recovering and your data is safe. Please <a href="">reload the page</a> in a moment; if you just submitted a form, check after recovery whether it was saved.</p>
</main>
</body>
</html>
`
}

/** The whole 503 response for a page request. */
export function outageResponse(headers: Headers = new Headers()): Response {
	headers.set('Content-Type', 'text/html; charset=utf-8')
	headers.set('Retry-After', String(RETRY_AFTER_SECONDS))
	headers.set('Cache-Control', 'no-store')
	return new Response(outagePage(), { status: 503, headers })
}
