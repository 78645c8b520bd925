// The role journeys (issue #8 item 7): each role logs in and visits its main pages, on a 360 px
// phone and on a desktop, in Chinese and then in English (through the language switch), with one
// harmless action of its own; every visited page is checked with axe-core and must have no serious
// or critical violation; each role's home page is kept as a screenshot per viewport and language.
// Named zz- so it runs after the other journeys (run.ts sorts by file name): it only adds data
// (a national admin account, inbox notifications marked read).
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { createAccount, getAccountByEmail } from '#app/models/account.server.ts'
import { createDb } from '#app/utils/db.server.ts'
import { type A11yViolation, formatViolations, seriousViolations } from './a11y.ts'
import { ARTIFACTS, DEMO_PASSWORD, expect, login, newPage, screenshot } from './harness.ts'

export const name = 'roles: 7 roles × phone/desktop × zh-CN/en, main pages, axe-core 0 serious/critical'

const COUNTY = '520425000000' // 紫云县
const VILLAGE = '520425102201' // 猴场村
const ADMIN = { username: 'e2e-admin', email: 'e2e-admin@example.cn', displayName: '【测试】国家级管理员' }
const ID = '[0-9A-Z]{26}'

/**
 * A page to visit: a path, or the first link matching `link` found on the page at `from`. An
 * `optional` one is skipped when there is no such link (data made by another journey, which a
 * filtered run does not run).
 */
type Visit = { label: string; path: string } | { label: string; from: string; link: RegExp; optional?: boolean }
type Role = { key: string; username: string; pages: Visit[]; action?: (page: Page) => Promise<void> }

const inbox: Visit = { label: 'inbox', path: '/inbox' }

/** Marks the whole inbox read, when there is anything unread. */
async function markInboxRead(page: Page) {
	await page.goto('/inbox')
	const form = page.locator('form').filter({ has: page.locator('input[name=intent][value=mark-all]') })
	if (await form.count()) {
		await Promise.all([page.waitForLoadState('networkidle'), form.getByRole('button').click()])
		await page.waitForLoadState('networkidle')
		expect((await form.count()) === 0, 'nothing is unread after marking the inbox read')
	}
}

/** Types a query into the list's search box and submits it. */
function search(list: string, q: string) {
	return async (page: Page) => {
		await page.goto(list)
		await page.locator('#f-q').fill(q)
		await Promise.all([page.waitForURL(/[?&]q=/), page.locator('#f-q').press('Enter')])
		await page.waitForLoadState('networkidle')
	}
}

const ROLES: Role[] = [
	{
		key: 'village-cadre',
		username: 'demo-village',
		pages: [
			{ label: 'home', path: '/' },
			{ label: 'needs', path: '/needs' },
			{ label: 'need', from: '/needs', link: new RegExp(`^/needs/${ID}$`) },
			{ label: 'my-village', from: '/', link: new RegExp(`^/orgs/${ID}$`) },
			{ label: 'village-page', path: `/regions/${VILLAGE}` },
			{ label: 'commitments', path: '/commitments' },
			{ label: 'commitment', from: '/commitments', link: new RegExp(`^/commitments/${ID}$`), optional: true },
			{ label: 'offers', path: '/offers' },
			inbox,
		],
		action: markInboxRead,
	},
	{
		key: 'central-unit',
		username: 'demo-central',
		pages: [
			{ label: 'home', path: '/' },
			{ label: 'needs-my-pairings', path: '/needs?mine=1' },
			{ label: 'offers', path: '/offers' },
			{ label: 'offer', from: '/offers', link: new RegExp(`^/offers/${ID}$`) },
			{ label: 'commitments', path: '/commitments' },
			{ label: 'pairings', path: '/pairings' },
			inbox,
		],
		action: search('/needs', '大棚'),
	},
	{
		key: 'east-west-partner',
		username: 'demo-eastwest',
		pages: [
			{ label: 'home', path: '/' },
			{ label: 'needs', path: '/needs' },
			{ label: 'pairings', path: '/pairings' },
			{ label: 'regions', path: '/regions' },
			{ label: 'orgs', path: '/orgs' },
			inbox,
		],
		action: search('/needs', '红薯'),
	},
	{
		key: 'enterprise',
		username: 'demo-enterprise',
		pages: [
			{ label: 'home', path: '/' },
			{ label: 'projects', path: '/projects' },
			{ label: 'project', from: '/projects', link: new RegExp(`^/projects/${ID}$`) },
			{ label: 'offers', path: '/offers' },
			{ label: 'commitments', path: '/commitments' },
			{ label: 'honors', path: '/honors' },
			inbox,
		],
		action: markInboxRead,
	},
	{
		key: 'mass-org',
		username: 'demo-massorg',
		pages: [
			{ label: 'home', path: '/' },
			{ label: 'offers', path: '/offers' },
			{ label: 'offer', from: '/offers', link: new RegExp(`^/offers/${ID}$`) },
			{ label: 'needs', path: '/needs' },
			inbox,
		],
		action: search('/offers', '培训'),
	},
	{
		key: 'county-official',
		username: 'demo-county',
		pages: [
			{ label: 'home', path: '/' },
			{ label: 'review', path: '/review' },
			{ label: 'review-needs', path: '/review/needs' },
			{ label: 'dashboard', path: '/dashboard' },
			{ label: 'supervision', path: '/supervision' },
			{ label: 'interviews', path: '/supervision/interviews' },
			{ label: 'accountability', path: '/supervision/accountability' },
			{ label: 'commendations', path: '/commendations' },
			{ label: 'commendation', from: '/commendations', link: new RegExp(`^/commendations/${ID}$`), optional: true },
			{ label: 'county-page', path: `/regions/${COUNTY}` },
			inbox,
		],
		action: markInboxRead,
	},
	{
		key: 'national-admin',
		username: ADMIN.username,
		pages: [
			{ label: 'home', path: '/' },
			{ label: 'org-review', path: '/review' },
			{ label: 'key-counties', path: '/regions#key-counties' },
			{ label: 'key-county', path: `/regions/${COUNTY}` },
			{ label: 'pairings', path: '/pairings' },
			{ label: 'dashboard', path: '/dashboard' },
			inbox,
		],
	},
]

/** The demo world has no national admin: one is created in the e2e database, as create-admin does. */
async function ensureNationalAdmin() {
	const handle = createDb(`file:${path.join(ARTIFACTS, 'e2e.db')}`)
	try {
		if (!(await getAccountByEmail(handle.db, ADMIN.email))) {
			await createAccount(handle.db, { ...ADMIN, password: DEMO_PASSWORD }, { isNationalAdmin: true })
		}
	} finally {
		await handle.destroy()
	}
}

async function resolve(page: Page, visit: Visit, found: Map<string, string | null>): Promise<string | null> {
	if ('path' in visit) return visit.path
	const known = found.get(visit.label)
	if (known !== undefined) return known
	await page.goto(visit.from)
	const hrefs = await page.locator('main a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''))
	const href = hrefs.find((h) => visit.link.test(h)) ?? null
	expect(href || visit.optional, `${visit.label}: a link matching ${visit.link} on ${visit.from}`)
	if (!href) console.log(`  (skipped ${visit.label}: no link matching ${visit.link} on ${visit.from})`)
	found.set(visit.label, href)
	return href
}

export async function run(browser: Browser, baseURL: string) {
	await ensureNationalAdmin()
	const violations: A11yViolation[] = []
	let checked = 0
	let screenshots = 0
	for (const role of ROLES) {
		const found = new Map<string, string | null>()
		const started = Date.now()
		for (const viewport of ['phone', 'desktop'] as const) {
			const { page, context, check } = await newPage(browser, viewport, baseURL)
			await login(page, role.username)
			if (viewport === 'desktop' && role.action) await role.action(page)
			for (const lang of ['zh-CN', 'en'] as const) {
				if (lang === 'en') {
					await page.goto('/')
					await Promise.all([page.waitForURL((u) => u.pathname === '/'), page.getByRole('button', { name: 'English' }).click()])
					await page.waitForFunction(() => document.documentElement.lang === 'en')
				}
				for (const visit of role.pages) {
					const href = await resolve(page, visit, found)
					if (!href) continue
					const res = await page.goto(href)
					expect(res?.ok(), `${role.key} ${visit.label} (${href}): HTTP ${res?.status()}`)
					await page.waitForLoadState('networkidle')
					expect((await page.locator('html').getAttribute('lang')) === lang, `${role.key} ${visit.label} is in ${lang}`)
					expect(await page.locator('h1').first().isVisible(), `${role.key} ${visit.label} (${href}) has a visible h1`)
					if (visit.label === 'home') {
						await screenshot(page, `roles-${role.key}-home-${viewport}-${lang}`)
						screenshots++
					}
					violations.push(...(await seriousViolations(page, `${role.key} ${viewport} ${lang} ${visit.label} (${href})`)))
					checked++
				}
			}
			check()
			await context.close()
		}
		if (process.env.E2E_TIMING) console.log(`  ${role.key}: ${((Date.now() - started) / 1000).toFixed(1)} s`)
	}
	expect(violations.length === 0, `no serious or critical accessibility violations; found ${violations.length}:\n${formatViolations(violations)}`)
	console.log(`[a11y] ${checked} pages checked (${ROLES.length} roles × 2 viewports × 2 languages), 0 serious/critical violations; ${screenshots} screenshots`)
}
