import type { Kysely } from 'kysely'
import type { DB } from '#db/schema.ts'
import { countNeedsAwaitingReview } from './need.server.ts'
import { countUnread } from './notification.server.ts'
import { countReviewQueue } from './organization.server.ts'
import { type Actor, isOfficial } from './policy.server.ts'

/** What the header shows for this actor: its orgs, its role-based links, waiting counts and unread notifications. */
export async function getNavigation(db: Kysely<DB>, actor: Actor | null) {
	if (!actor) return null
	const official = isOfficial(actor)
	return {
		displayName: actor.displayName,
		isNationalAdmin: actor.isNationalAdmin,
		isOfficial: official,
		orgs: actor.memberships.map((m) => ({ id: m.orgId, name: m.orgName, kind: m.kind, status: m.status, role: m.role })),
		reviewCount: official ? await countReviewQueue(db, actor) : 0,
		needReviewCount: official ? await countNeedsAwaitingReview(db, actor) : 0,
		unreadCount: await countUnread(db, actor.accountId),
	}
}
