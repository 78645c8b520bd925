// Every route module in app/routes that exports an action, with the intents its code handles.
// A route whose action reads no intent has one entry named 'post'. The matrix test scans
// app/routes and fails when a file with an action, or an intent it can detect in a file, is
// missing here; and every (file, intent) here must have a row in rows.ts.
import fs from 'node:fs'
import path from 'node:path'

export const ROUTE_INTENTS: Record<string, readonly string[]> = {
	'appraisals.$subjectType.$subjectId.tsx': ['post'],
	'commendations.$campaignId.tsx': ['open', 'start-review', 'nominate', 'review', 'reject', 'start-notice', 'object', 'resolve', 'decide', 'cancel'],
	'commendations.new.tsx': ['post'],
	'commitments.$commitmentId.tsx': [
		'accept',
		'decline',
		'withdraw',
		'start',
		'add-milestone',
		'confirm-milestone',
		'confirm-delivery',
		'verify',
		'dispute',
		'feedback',
		'post-update',
	],
	'commitments.new.tsx': ['post'],
	'dashboard._index.tsx': ['set-target', 'clear-target'],
	'dashboard.orgs.$orgId.tsx': ['set-target', 'clear-target'],
	'inbox.tsx': ['mark-read', 'mark-all'],
	'lang.tsx': ['post'],
	'login.tsx': ['post'],
	'logout.tsx': ['post'],
	'needs.$needId.tsx': ['submit', 'review', 'close', 'cancel', 'reconfirm', 'duplicate', 'add-photo', 'remove-photo'],
	'needs.$needId_.edit.tsx': ['save', 'submit'],
	'needs.import.tsx': ['preview', 'commit'],
	'needs.new.tsx': ['save', 'submit'],
	'offers.$offerId.tsx': ['publish', 'pause', 'resume', 'withdraw'],
	'offers.$offerId_.edit.tsx': ['save'],
	'offers.new.tsx': ['save'],
	'orgs.$orgId.tsx': ['review', 'add-member', 'remove-member'],
	'orgs.new.tsx': ['post'],
	'pairings.tsx': ['create', 'end'],
	'projects.$projectId.tsx': ['start', 'complete', 'add-update', 'verify-investment'],
	'projects.$projectId_.edit.tsx': ['save'],
	'projects.new.tsx': ['save'],
	'regions.$code.tsx': ['key-county'],
	'reports.$subjectType.$subjectId.tsx': ['post'],
	'review.tsx': ['post'],
	'review_.needs.tsx': ['post'],
	'settings.tsx': ['password', 'create-token', 'revoke-token'],
	'signup.tsx': ['post'],
	'supervision.accountability.$recordId.tsx': ['post'],
	'supervision.accountability._index.tsx': ['post'],
	'supervision.interviews.$interviewId.tsx': ['post'],
	'supervision.interviews._index.tsx': ['post'],
}

/**
 * Route files covered elsewhere: the /api/v1 dispatcher's endpoints have their own token matrices
 * (see api-coverage.ts). The region-finder intents of the offer/project forms ('add-code',
 * 'find-…') only echo the form back with search results and write nothing, so they are not rows.
 */
export const ROUTES_ELSEWHERE: Record<string, string> = {
	'api.v1.$.ts': 'API endpoints: tests/authz/api-coverage.ts',
}

const ROUTES_DIR = path.resolve(import.meta.dirname, '../../app/routes')

/** Files in app/routes (not tests) that export an action. */
export function scanActionRoutes(): string[] {
	return fs
		.readdirSync(ROUTES_DIR)
		.filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f))
		.filter((f) => /export\s+(async\s+function\s+action\b|const\s+action\b|\{[^}]*\baction\b[^}]*\})/.test(fs.readFileSync(path.join(ROUTES_DIR, f), 'utf8')))
		.sort()
}

const ACTION_LISTS: Record<string, readonly string[]> = {}

/**
 * Intents a route file visibly handles: `intent === '…'`, `intent !== '…'`, `get('intent') === '…'`, `case '…'`,
 * `intent: z.literal('…')`, the keys of a `const STEPS = { … }` table, and the OFFER_ACTIONS /
 * PROJECT_ACTIONS lists when the file dispatches on them.
 */
export async function scanIntents(file: string): Promise<string[]> {
	const text = fs.readFileSync(path.join(ROUTES_DIR, file), 'utf8')
	const action = text.slice(text.search(/export\s+(async\s+function|const)\s+action\b/))
	const found = new Set<string>()
	for (const m of text.matchAll(/intent\s*[!=]==\s*'([a-z-]+)'/g)) found.add(m[1])
	for (const m of action.matchAll(/get\('intent'\)\s*[!=]==\s*'([a-z-]+)'/g)) found.add(m[1])
	for (const m of action.matchAll(/case\s+'([a-z-]+)'/g)) found.add(m[1])
	for (const m of text.matchAll(/intent:\s*z\.literal\('([a-z-]+)'/g)) found.add(m[1])
	const steps = /const STEPS[^=]*=\s*\{([\s\S]*?)\n\}/.exec(text)
	if (steps) for (const m of steps[1].matchAll(/^\t'?([a-z][a-z-]*)'?:\s*\{/gm)) found.add(m[1])
	if (Object.keys(ACTION_LISTS).length === 0) {
		const { OFFER_ACTIONS } = await import('#app/models/offer.schema.ts')
		const { PROJECT_ACTIONS } = await import('#app/models/project.schema.ts')
		ACTION_LISTS.OFFER_ACTIONS = OFFER_ACTIONS
		ACTION_LISTS.PROJECT_ACTIONS = PROJECT_ACTIONS
	}
	for (const [name, list] of Object.entries(ACTION_LISTS)) if (action.includes(name)) for (const a of list) found.add(a)
	return [...found].sort()
}
