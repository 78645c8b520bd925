import type { Kysely } from 'kysely'
import type { DB } from '#db/schema.ts'
import { countNeedsAwaitingReview, listNeedsForVillageOrg } from './need.server.ts'
import { listOffersForOrg } from './offer.server.ts'
import { PROVIDER_KINDS } from './organization.schema.ts'
import { type Actor, isOfficial } from './policy.server.ts'
import { listProjectsForOrg } from './project.server.ts'

const SHOWN = 8
// Need states in which the next step is the village's.
const WAITS_ON_VILLAGE = ['draft', 'returned', 'expired'] as const

/**
 * The "my work" part of the home page: a village's needs and what waits on it, a provider's
 * offers and projects, and an official's need-review count. Only verified orgs act.
 */
export async function getWorkPanel(db: Kysely<DB>, actor: Actor) {
	const verified = actor.memberships.filter((m) => m.status === 'verified')
	const villages = await Promise.all(
		verified
			.filter((m) => m.kind === 'village')
			.map(async (m) => {
				const needs = await listNeedsForVillageOrg(db, m.orgId, actor)
				const waiting = needs.filter((n) => (WAITS_ON_VILLAGE as readonly string[]).includes(n.status))
				return {
					orgId: m.orgId,
					orgName: m.orgName,
					waiting: waiting.slice(0, SHOWN).map(({ id, title, status, neededBy }) => ({ id, title, status, neededBy })),
					recent: needs.slice(0, SHOWN).map(({ id, title, status, neededBy, category }) => ({ id, title, status, neededBy, category })),
					total: needs.length,
					submitted: needs.filter((n) => n.status === 'submitted').length,
					published: needs.filter((n) => n.status === 'published').length,
				}
			}),
	)
	const providers = await Promise.all(
		verified
			.filter((m) => (PROVIDER_KINDS as readonly string[]).includes(m.kind))
			.map(async (m) => {
				const [offers, projects] = await Promise.all([listOffersForOrg(db, m.orgId, actor), m.kind === 'enterprise' ? listProjectsForOrg(db, m.orgId) : []])
				return {
					orgId: m.orgId,
					orgName: m.orgName,
					kind: m.kind,
					offers: offers.slice(0, SHOWN).map((o) => ({ id: o.id, title: o.title, status: o.displayStatus })),
					offerCount: offers.length,
					projects: projects.slice(0, SHOWN).map((p) => ({ id: p.id, title: p.title, status: p.status })),
					projectCount: projects.length,
				}
			}),
	)
	return { villages, providers, needReviewCount: isOfficial(actor) ? await countNeedsAwaitingReview(db, actor) : 0 }
}
