// Stand-in for /opt/scitt/share/scitt/constitution/scitt.js (scitt-ccf-ledger app/constitution/scitt.js).
// Written for the chainfleet e2e stand-in, not upstream code. Upstream's scitt.js defines the SCITT
// governance actions; without it in command.start.constitution_files a set_scitt_configuration
// proposal fails, which the cchost stand-in reproduces (the action is only known from this file).
actions.set("set_scitt_configuration", new Action(function (args) {}, function (args) {}));
