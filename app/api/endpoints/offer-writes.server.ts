// /api/v1 endpoints: offer-writes. (Filled in by the API work of issue #6.)
import type { Endpoint } from '../http.server.ts'

export const offerWritesEndpoints: Endpoint[] = []
