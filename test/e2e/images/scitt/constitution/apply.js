// Stand-in for /opt/scitt/share/scitt/constitution/apply.js (scitt-ccf-ledger app/constitution/apply.js).
// Written for the chainfleet e2e stand-in, not upstream code: present so Start finds the file.
// The cchost stand-in does not run JavaScript; every proposal is accepted by one member's ballot.
export function apply() {}
