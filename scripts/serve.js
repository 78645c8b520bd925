// Production server for the built app (`npm start`). Plain JS so it runs without a build step.
// Honours PORT and HOST; shuts down cleanly on SIGTERM/SIGINT (closes the database pool, which
// remix-serve would leave open and hang on).
import { randomUUID } from 'node:crypto'
import path from 'node:path'
import { createRequestHandler } from '@remix-run/express'
import compression from 'compression'
import express from 'express'

process.env.NODE_ENV ??= 'production'
const buildPath = path.resolve('build/server/index.js')
const build = await import(buildPath)

const app = express()
app.disable('x-powered-by')
// Security headers on every response, static files, downloads and the API included; an HTML page
// sets its own stricter Content-Security-Policy (with the script nonce) in entry.server.tsx, which
// stands: only headers the response lacks are added.
const BASE_HEADERS = {
	'X-Content-Type-Options': 'nosniff',
	'Referrer-Policy': 'strict-origin-when-cross-origin',
	'X-Frame-Options': 'DENY',
	'Content-Security-Policy': "frame-ancestors 'none'",
	...(process.env.INSECURE_COOKIES === '1' ? {} : { 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' }),
}
app.use((req, res, next) => {
	const writeHead = res.writeHead
	res.writeHead = function (...args) {
		for (const [name, value] of Object.entries(BASE_HEADERS)) if (!res.hasHeader(name)) res.setHeader(name, value)
		return writeHead.apply(this, args)
	}
	next()
})
app.use(compression())
app.use('/assets', express.static('build/client/assets', { immutable: true, maxAge: '1y' }))
// Other files of build/client (favicon and the like) have an extension; pages never do, so they
// skip the file-system look-up the static handler would make for every request.
const staticFiles = express.static('build/client', { maxAge: '1h' })
app.use((req, res, next) => (path.extname(req.path) ? staticFiles(req, res, next) : next()))
app.use((req, res, next) => {
	// The app reads the peer address from this header (auth.server.ts clientIp); never trust one sent by the client.
	req.headers['x-bangfu-remote-addr'] = req.socket.remoteAddress ?? 'unknown'
	const requestId = randomUUID()
	req.headers['x-request-id'] = requestId
	res.setHeader('X-Request-Id', requestId)
	next()
})
// Cross-site request forgery: writes must come from this site (app/utils/origin.server.ts).
app.use((req, res, next) => {
	const refusal = build.entry.module.crossSiteRefusal({
		method: req.method,
		path: req.path,
		host: req.headers.host,
		origin: req.headers.origin,
		referer: req.headers.referer,
		authorization: req.headers.authorization,
	})
	if (!refusal) return next()
	res.status(403).type('text/plain; charset=utf-8').setHeader('X-Content-Type-Options', 'nosniff')
	res.send(build.entry.module.CROSS_SITE_MESSAGE)
})
app.all('*', createRequestHandler({ build }))

const port = Number(process.env.PORT ?? 3000)
const host = process.env.HOST ?? '0.0.0.0'
const server = app.listen(port, host, () => {
	console.log(`Bangfu listening on http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`)
})

let closing = false
async function shutdown(signal) {
	if (closing) return
	closing = true
	console.log(`${signal}: shutting down`)
	const timer = setTimeout(() => process.exit(1), 10_000)
	timer.unref()
	server.close(async () => {
		try {
			await build.entry.module.shutdown?.()
		} finally {
			process.exit(0)
		}
	})
	server.closeAllConnections?.()
}
process.on('SIGTERM', () => shutdown('SIGTERM'))
process.on('SIGINT', () => shutdown('SIGINT'))
