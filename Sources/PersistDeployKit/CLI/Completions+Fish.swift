/// The fish completion script.
extension Completions {
    static func fish(_ commands: [CommandSpec]) -> String {
        var text = headerLine(.fish)
        text += """
            # Save it as ~/.config/fish/completions/persist-deploy.fish
            # or load it now with: persist-deploy completions fish | source

            function __persist_deploy_needs_command
                test (count (commandline -opc)) -eq 1
            end

            function __persist_deploy_using_command
                set -l tokens (commandline -opc)
                test (count $tokens) -ge 2; and test "$tokens[2]" = "$argv[1]"
            end

            # The ids of the root given with --root (else the tool's own default), from its JSON.
            function __persist_deploy_ids
                set -l tokens (commandline -opc)
                set -l root
                for i in (seq (count $tokens))
                    if test "$tokens[$i]" = --root; and test $i -lt (count $tokens)
                        set root $tokens[(math $i + 1)]
                    else if string match -q -- '--root=*' $tokens[$i]
                        set root (string replace -- --root= '' $tokens[$i])
                    end
                end
                set -l options --json
                test -n "$root"; and set options --root $root --json
                persist-deploy $argv[1] $options 2>/dev/null | string match -ar '"id":"[^"]*"' | string replace -r '^"id":"(.*)"$' '$1'
            end

            complete -c persist-deploy -f
            complete -c persist-deploy -n __persist_deploy_needs_command -l help -d 'Show help.'
            complete -c persist-deploy -n __persist_deploy_needs_command -l version -d 'Show the version.'

            """
        for command in commands {
            text += "complete -c persist-deploy -n __persist_deploy_needs_command -a \(command.name) -d \(fishQuoted(command.summary))\n"
        }
        for command in commands {
            let condition = fishQuoted("__persist_deploy_using_command \(command.name)")
            text += "\n"
            for option in command.allOptions {
                let long = String(option.name.dropFirst(2))
                var line = "complete -c persist-deploy -n \(condition) -l \(long)"
                if let valueName = option.valueName { line += " " + fishValue(.forValue(named: valueName)) }
                text += line + " -d \(fishQuoted(option.help))\n"
            }
            // fish cannot tell positions apart, so each distinct hint is offered once for them all.
            var offered: [CompletionHint] = []
            for hint in argumentHints(command) where hint != .nothing && !offered.contains(hint) {
                offered.append(hint)
                text += "complete -c persist-deploy -n \(condition) \(fishValue(hint))\n"
            }
        }
        return text
    }

    /// How fish completes a value: `-r` takes one, `-F` offers files, `-x -a` offers the list.
    static func fishValue(_ hint: CompletionHint) -> String {
        switch hint {
        case .directory: "-x -a " + fishQuoted("(__fish_complete_directories (commandline -ct))")
        case .file: "-r -F"
        case .command: "-x -a " + fishQuoted("(__fish_complete_command)")
        case .words(let words): "-x -a " + fishQuoted(words.joined(separator: " "))
        case .releaseID: "-x -a " + fishQuoted("(__persist_deploy_ids releases)")
        case .backupID: "-x -a " + fishQuoted("(__persist_deploy_ids backups)")
        case .nothing: "-x"
        }
    }

    static func fishQuoted(_ text: String) -> String {
        "'" + text.replacing("\\", with: "\\\\").replacing("'", with: "\\'") + "'"
    }
}
