/**
 * The Order history tab's list: the user's newest orders in the market (`/orders`, asked again at
 * each reload of the account) and older pages below them (Load older), one row per order.
 */
import type { ListRules } from './paging';
import { compareIds } from './trades';
import type { Order } from './types';

/** Orders asked of `/orders` at each load, and in each older page; also the rows kept until then. */
export const LOAD_HISTORY = 50;

/**
 * The API's order: newest first by the time the order was placed, then by id (an order's place
 * never changes). A later answer's copy of an order replaces the one shown when they differ in
 * what can change (status and amounts). Every row is from storage's side of the API; a page goes
 * on below an order id.
 */
export const ORDER_RULES: ListRules<Order> = {
  key: (o) => o.orderId,
  compare: (a, b) => b.time - a.time || compareIds(b.orderId, a.orderId),
  replaces: (incoming, have) => incoming.status !== have.status || incoming.executedQty !== have.executedQty
    || incoming.executedQuoteQty !== have.executedQuoteQty || incoming.remainingQty !== have.remainingQty,
  stored: () => true,
  cursor: (o) => o.orderId,
};
