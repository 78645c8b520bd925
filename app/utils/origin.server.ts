// Cross-site request forgery: a state-changing request (any method but GET, HEAD, OPTIONS) must
// come from a page of this site. Browsers send Origin with such requests (Referer when an old one
// does not); a form posted from another site names that site, and is refused. Session cookies are
// SameSite=Lax as a second line. Requests to /api/v1 with a Bearer token carry no cookie and are
// authenticated by the token, so they are exempt (a token is not sent by a browser on its own).
// The production server (scripts/serve.js) calls this before Remix sees the request.

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

export type OriginCheckInput = {
	method: string
	/** The request path, e.g. /needs/new */
	path: string
	/** The Host the client used (host[:port]). */
	host: string | undefined
	origin: string | undefined
	referer: string | undefined
	authorization: string | undefined
}

function hostOf(url: string | undefined): string | undefined {
	if (!url || url === 'null') return undefined
	try {
		return new URL(url).host
	} catch {
		return undefined
	}
}

/** Why the request is refused ('cross_site' | 'no_origin'), or null when it may proceed. */
export function crossSiteRefusal(input: OriginCheckInput): 'cross_site' | 'no_origin' | null {
	if (SAFE_METHODS.has(input.method.toUpperCase())) return null
	if (input.path.startsWith('/api/v1/') && /^Bearer\s+\S+$/i.test(input.authorization ?? '')) return null
	const claimed = input.origin && input.origin !== 'null' ? hostOf(input.origin) : hostOf(input.referer)
	if (!claimed) return input.origin === 'null' ? 'cross_site' : 'no_origin'
	return input.host && claimed.toLowerCase() === input.host.toLowerCase() ? null : 'cross_site'
}

export const CROSS_SITE_MESSAGE = '此请求来自其他网站，已被拒绝。请回到帮扶网站重新操作。\nThis request came from another site and was refused. Go back to Bangfu and try again.'
