import { randomBytes } from 'node:crypto'
import { PassThrough } from 'node:stream'
import { type AppLoadContext, type EntryContext, type HandleDataRequestFunction, type HandleErrorFunction, createReadableStreamFromReadable } from '@remix-run/node'
import { RemixServer, isRouteErrorResponse } from '@remix-run/react'
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
import { badBodyResponse, hadBadBody, isMalformedBody, markBadBody } from './utils/bad-body.server.ts'
import { RETRY_AFTER_SECONDS, hadOutage, isServiceOutage, markOutage, outageResponse, outageSummary } from './utils/outage.server.ts'

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
	if (hadBadBody(request)) {
		const headers = new Headers()
		securityHeaders(headers, nonce)
		return badBodyResponse(headers)
	}
	if (hadOutage(request)) {
		// The database is unreachable: the static 503 page, not the 500 one (see outage.server.ts).
		const headers = new Headers()
		securityHeaders(headers, nonce)
		return outageResponse(headers)
	}
	const instance = await i18nFor(await i18next.getLocale(request))
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

// One i18next instance per language, made on first use and shared by every request: each is fixed
// to its language (nothing calls changeLanguage on it), and making one per request (createInstance
// and init over all resources) was a measurable share of every page's server time.
const instances = new Map<string, Promise<ReturnType<typeof createInstance>>>()
function i18nFor(lng: string) {
	let ready = instances.get(lng)
	if (!ready) {
		const instance = createInstance()
		ready = instance
			.use(initReactI18next)
			.init({ ...i18n, lng, resources })
			.then(() => {
				memoizeLanguageCodes(instance)
				return instance
			})
		instances.set(lng, ready)
		ready.catch(() => instances.delete(lng))
	}
	return ready
}

/**
 * NOTE: i18next 23 canonicalises the language code with Intl.getCanonicalLocales on every t() call
 * for a code with a region ('zh-CN'), about 5 % of a Chinese page's server time; the answer for a
 * code never changes, so it is remembered.
 */
function memoizeLanguageCodes(instance: ReturnType<typeof createInstance>) {
	const utils = instance.services.languageUtils as { formatLanguageCode: (code: string) => string }
	const format = utils.formatLanguageCode.bind(utils)
	const known = new Map<string, string>()
	utils.formatLanguageCode = (code: string) => {
		let formatted = known.get(code)
		if (formatted === undefined) {
			formatted = format(code)
			if (known.size < 100) known.set(code, formatted)
		}
		return formatted
	}
}

let outageLog = { at: 0, suppressed: 0 }

/**
 * Errors from loaders, actions and rendering. An unreachable database marks the request for a
 * 503 (handleRequest, handleDataRequest) and logs one line a second, not a stack per request.
 */
export const handleError: HandleErrorFunction = (error, { request }) => {
	const cause = isRouteErrorResponse(error) && (error as { error?: unknown }).error ? (error as { error?: unknown }).error : error
	if (isMalformedBody(cause)) {
		markBadBody(request)
		return
	}
	if (isServiceOutage(cause)) {
		markOutage(request)
		const now = Date.now()
		if (now - outageLog.at < 1000) {
			outageLog.suppressed++
			return
		}
		const more = outageLog.suppressed ? ` (and ${outageLog.suppressed} more)` : ''
		outageLog = { at: now, suppressed: 0 }
		console.warn(`[outage] ${request.method} ${new URL(request.url).pathname}: service unavailable, ${outageSummary(cause)}${more}; answered 503`)
		return
	}
	if (request.signal.aborted) return
	console.error(cause)
}

export const handleDataRequest: HandleDataRequestFunction = (response, { request }) => {
	if (hadBadBody(request)) return badBodyResponse()
	if (hadOutage(request)) {
		// Client-side navigation or submission during an outage: the browser reloads the page as a
		// document, which gets the 503 page while the database is down and the page once it is back.
		const url = new URL(request.url)
		url.pathname = url.pathname.replace(/\.data$/, '').replace(/^\/_root$/, '/')
		url.searchParams.delete('_routes')
		url.searchParams.delete('index')
		return new Response(null, {
			status: 302,
			headers: { Location: url.pathname + url.search, 'X-Remix-Reload-Document': 'true', 'Retry-After': String(RETRY_AFTER_SECONDS), 'Cache-Control': 'no-store' },
		})
	}
	response.headers.set('X-Content-Type-Options', 'nosniff')
	return response
}
