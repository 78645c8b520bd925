// /api/v1 endpoints: offers. (Filled in by the API work of issue #6.)
import type { Endpoint } from '../http.server.ts'

export const offersEndpoints: Endpoint[] = []
