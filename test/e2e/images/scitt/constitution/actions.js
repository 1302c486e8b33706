// Stand-in for /opt/scitt/share/scitt/constitution/actions.js (scitt-ccf-ledger app/constitution/actions.js,
// installed by app/CMakeLists.txt under share/scitt/constitution with the /opt/scitt cpack prefix).
// Written for the chainfleet e2e stand-in, not upstream code: it only names the CCF governance actions
// the cchost stand-in accepts. The stand-in finds action names by the pattern `"<name>", new Action(`.
const actions = new Map([
  ["set_constitution", new Action(function (args) {}, function (args) {})],
  ["set_member", new Action(function (args) {}, function (args) {})],
  ["set_user", new Action(function (args) {}, function (args) {})],
  ["set_recovery_threshold", new Action(function (args) {}, function (args) {})],
  ["trigger_recovery_shares_refresh", new Action(function (args) {}, function (args) {})],
  ["transition_service_to_open", new Action(function (args) {}, function (args) {})],
]);
