import type { Kysely } from 'kysely'
import type { DB, OrgKind } from '#db/schema.ts'
import { listNeedsForVillageOrg } from './need.server.ts'
import { listOffersForOrg } from './offer.server.ts'
import { PROVIDER_KINDS } from './organization.schema.ts'
import type { Actor } from './policy.server.ts'
import { listProjectsForOrg, listProjectsForVillage } from './project.server.ts'

const SHOWN = 20

export type Listings = {
	needs: Array<{ id: string; title: string; status: string; category: string }>
	offers: Array<{ id: string; title: string; status: string }>
	projects: Array<{ id: string; title: string; status: string; type: string }>
}

/**
 * What an org has listed, for its profile page: a village's needs and the CSR projects in its
 * village, a provider's offers, an enterprise's projects. Each list applies its own visibility
 * (drafts only for the org's members).
 */
export async function listOrgListings(db: Kysely<DB>, org: { id: string; kind: OrgKind; villageCode: string | null }, viewer: Actor | null): Promise<Listings> {
	const isProvider = (PROVIDER_KINDS as readonly string[]).includes(org.kind)
	const [needs, offers, projects] = await Promise.all([
		org.kind === 'village' ? listNeedsForVillageOrg(db, org.id, viewer) : [],
		isProvider ? listOffersForOrg(db, org.id, viewer) : [],
		org.kind === 'enterprise' ? listProjectsForOrg(db, org.id) : org.kind === 'village' && org.villageCode ? listProjectsForVillage(db, org.villageCode) : [],
	])
	return {
		needs: needs.slice(0, SHOWN).map((n) => ({ id: n.id, title: n.title, status: n.status, category: n.category })),
		offers: offers.slice(0, SHOWN).map((o) => ({ id: o.id, title: o.title, status: o.displayStatus })),
		projects: projects.slice(0, SHOWN).map((p) => ({ id: p.id, title: p.title, status: p.status, type: p.type })),
	}
}

/** CSR projects that reach a village, for its region page. */
export async function listVillageProjects(db: Kysely<DB>, villageCode: string): Promise<Listings['projects']> {
	const projects = await listProjectsForVillage(db, villageCode)
	return projects.slice(0, SHOWN).map((p) => ({ id: p.id, title: p.title, status: p.status, type: p.type }))
}
