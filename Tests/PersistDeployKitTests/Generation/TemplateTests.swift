import PersistDeployKit
import Testing

@Suite struct TemplateTests {
    @Test func quotesEveryShellValueWithSingleQuotes() throws {
        #expect(Shell.quote("it's") == #"'it'\''s'"#)
        #expect(Shell.quote("$(touch pwned) `x` \"y\"") == #"'$(touch pwned) `x` "y"'"#)
        #expect(Shell.quote("") == "''")
        let template = Template(name: "t.sh.tmpl", text: "A={{a}}\nB=(\n{{rows}}\n)\n")
        let text = try template.render(["a": .shellWord("-rf it's"), "rows": .shellRows([["x y", "z"], ["'"]])])
        #expect(text == "A='-rf it'\\''s'\nB=(\n  'x y' 'z'\n  ''\\'''\n)\n")
    }

    @Test func unknownPlaceholderFails() {
        let template = Template(name: "t.md.tmpl", text: "hello {{name}} {{other}}")
        #expect(throws: ToolError.self) { try template.render(["name": .text("x")]) }
    }

    @Test func unusedValueFails() {
        let template = Template(name: "t.md.tmpl", text: "hello {{name}}")
        #expect(throws: ToolError.self) { try template.render(["name": .text("x"), "extra": .text("y")]) }
    }

    @Test func plainTextIsRefusedInScripts() {
        let template = Template(name: "t.sh.tmpl", text: "X={{x}}")
        #expect(throws: ToolError.self) { try template.render(["x": .text("$(rm -rf /)")]) }
    }

    @Test func malformedPlaceholdersFail() {
        #expect(throws: ToolError.self) { try Template(name: "t.md.tmpl", text: "{{ name }}").render([:]) }
        #expect(throws: ToolError.self) { try Template(name: "t.md.tmpl", text: "{{name").render([:]) }
    }

    @Test func everyEmbeddedTemplateIsPresent() throws {
        for name in ["scripts/health-check.sh.tmpl", "scripts/emergency-recovery.sh.tmpl", "guides/DEPLOYMENT-SUMMARY.md.tmpl",
                     "guides/MANUAL-SETUP-GUIDE.md.tmpl", "guides/SHARED-HOSTING-SETUP.md.tmpl"] {
            #expect(try !Template.embedded(name).text.isEmpty)
        }
    }
}
