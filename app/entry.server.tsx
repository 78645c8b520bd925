import { randomBytes } from 'node:crypto'
import { PassThrough } from 'node:stream'
import { type AppLoadContext, type EntryContext, createReadableStreamFromReadable } from '@remix-run/node'
import { RemixServer } from '@remix-run/react'
import { createInstance } from 'i18next'
import { isbot } from 'isbot'
import { renderToPipeableStream } from 'react-dom/server'
import { I18nextProvider, initReactI18next } from 'react-i18next'
import i18n, { resources } from './i18n.ts'
import { i18next } from './i18next.server.ts'
import { startBackgroundWork } from './utils/background.server.ts'
import { closeDb } from './utils/db.server.ts'
import { getEnv } from './utils/env.server.ts'
import { NonceProvider } from './utils/nonce.ts'

const ABORT_DELAY = 5_000

// For scripts/serve.js: the cross-site check runs there, before Remix reads the request.
export { CROSS_SITE_MESSAGE, crossSiteRefusal } from './utils/origin.server.ts'

const stopBackground = process.env.BANGFU_BACKGROUND === 'off' ? () => {} : startBackgroundWork()

/** Called by scripts/serve.js on SIGTERM/SIGINT: stops background work and closes the pool. */
export async function shutdown() {
	stopBackground()
	await closeDb()
}

export function securityHeaders(headers: Headers, nonce: string) {
	const { isProduction } = getEnv()
	// Vite's dev server injects its own scripts and websocket; the strict policy is for builds.
	if (isProduction) {
		headers.set(
			'Content-Security-Policy',
			[
				"default-src 'self'",
				`script-src 'self' 'nonce-${nonce}'`,
				"style-src 'self' 'unsafe-inline'",
				"img-src 'self' data: blob:",
				"font-src 'self' data:",
				"connect-src 'self'",
				"form-action 'self'",
				"frame-ancestors 'none'",
				"base-uri 'self'",
				"object-src 'none'",
			].join('; '),
		)
		if (process.env.INSECURE_COOKIES !== '1') headers.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains')
	} else {
		headers.set('Content-Security-Policy', "frame-ancestors 'none'")
	}
	headers.set('X-Content-Type-Options', 'nosniff')
	headers.set('Referrer-Policy', 'strict-origin-when-cross-origin')
	headers.set('X-Frame-Options', 'DENY')
	headers.set('Permissions-Policy', 'camera=(), microphone=(), geolocation=()')
}

export default async function handleRequest(
	request: Request,
	responseStatusCode: number,
	responseHeaders: Headers,
	remixContext: EntryContext,
	_loadContext: AppLoadContext,
) {
	const nonce = randomBytes(16).toString('base64')
	const instance = createInstance()
	const lng = await i18next.getLocale(request)
	await instance.use(initReactI18next).init({ ...i18n, lng, resources })
	const callback = isbot(request.headers.get('user-agent') || '') ? 'onAllReady' : 'onShellReady'

	return new Promise((resolve, reject) => {
		let shellRendered = false
		const { pipe, abort } = renderToPipeableStream(
			<NonceProvider value={nonce}>
				<I18nextProvider i18n={instance}>
					<RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
				</I18nextProvider>
			</NonceProvider>,
			{
				nonce,
				[callback]: () => {
					shellRendered = true
					const body = new PassThrough()
					const stream = createReadableStreamFromReadable(body)
					responseHeaders.set('Content-Type', 'text/html; charset=utf-8')
					securityHeaders(responseHeaders, nonce)
					resolve(new Response(stream, { headers: responseHeaders, status: responseStatusCode }))
					pipe(body)
				},
				onShellError(error: unknown) {
					reject(error)
				},
				onError(error: unknown) {
					responseStatusCode = 500
					if (shellRendered) console.error(error)
				},
			},
		)
		setTimeout(abort, ABORT_DELAY)
	})
}

export function handleDataRequest(response: Response) {
	response.headers.set('X-Content-Type-Options', 'nosniff')
	return response
}
