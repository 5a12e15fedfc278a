/**
 * FROM/WHERE selecting the customers an uploaded list matched (`c.id`), shaped like
 * SegmentsService.membersSql so that previews and campaign launches treat a list like a segment.
 * `scope` is a customer filter (`WHERE …` from CustomersService.where) to add, e.g. a store
 * manager's stores.
 */
export function listMembersSql(
  listId: number,
  scope: { sql: string; params: unknown[] } = { sql: "", params: [] },
): { sql: string; params: unknown[] } {
  const member = "c.id IN (SELECT lm.customer_id FROM audience_list_members lm WHERE lm.list_id = ?)";
  const where = scope.sql ? `${scope.sql} AND ${member}` : `WHERE ${member}`;
  return {
    sql: `FROM customers c LEFT JOIN customer_rfm r ON r.customer_id = c.id ${where}`,
    params: [...scope.params, listId],
  };
}
