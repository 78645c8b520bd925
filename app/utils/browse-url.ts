// The browse pages' URL state: parsing for the three browse loaders, and links that change it.
// Pure; safe to import anywhere.

export const PAGE_SIZE = 20
// Far past any real page; keeps a hand-typed ?page= from asking the engine for a huge offset.
export const MAX_PAGE = 500

/** The values of a repeated param that belong to `allowed`, in vocabulary order. */
export function listParam<T extends string>(url: URL, name: string, allowed: readonly T[]): T[] {
	const given = new Set(url.searchParams.getAll(name))
	return allowed.filter((v) => given.has(v))
}

export function oneOf<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
	return (allowed as readonly string[]).includes(value ?? '') ? (value as T) : fallback
}

export function pageParam(url: URL): number {
	return Math.min(Math.max(Math.floor(Number(url.searchParams.get('page'))) || 1, 1), MAX_PAGE)
}

export function textParam(url: URL, name: string, max: number): string {
	return (url.searchParams.get(name) ?? '').trim().slice(0, max)
}

export type UrlState = Record<string, string | string[]>

/** A link to this page with `changes` applied to the filter state (null removes a key); page resets unless given. */
export function hrefWith(state: UrlState, changes: Record<string, string | string[] | number | null> = {}): string {
	const params = new URLSearchParams()
	const merged: Record<string, string | string[] | number | null> = { ...state, ...changes }
	for (const [key, value] of Object.entries(merged)) {
		if (value === null || value === '' || (key === 'page' && value === 1)) continue
		for (const v of Array.isArray(value) ? value : [value]) params.append(key, String(v))
	}
	const s = params.toString()
	return s ? `?${s}` : '.'
}
