/// The bash completion script.
extension Completions {
    static func bash(_ commands: [CommandSpec]) -> String {
        var text = headerLine(.bash)
        text += """
            # Load it with: source <(persist-deploy completions bash)
            # or save it as ~/.local/share/bash-completion/completions/persist-deploy

            # _persist_deploy_ids releases|backups: the ids of the root given with --root (else the
            # tool's own default), from the tool's JSON.
            _persist_deploy_ids() {
                local root="" i
                for ((i = 2; i < COMP_CWORD; i++)); do
                    if [[ ${COMP_WORDS[i]} == --root ]]; then
                        if [[ ${COMP_WORDS[i+1]} == = ]]; then root=${COMP_WORDS[i+2]}; else root=${COMP_WORDS[i+1]}; fi
                    elif [[ ${COMP_WORDS[i]} == --root=* ]]; then
                        root=${COMP_WORDS[i]#--root=}
                    fi
                done
                [[ $root == "~/"* ]] && root=$HOME/${root#"~/"}
                persist-deploy "$1" ${root:+--root "$root"} --json 2>/dev/null | grep -o '"id":"[^"]*"' | sed -e 's/^"id":"//' -e 's/"$//'
            }

            _persist_deploy_offer() {
                case $1 in
                    releases | backups) mapfile -t COMPREPLY < <(compgen -W "$(_persist_deploy_ids "$1")" -- "$2") ;;
                    directory) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -d -- "$2") ;;
                    file) compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- "$2") ;;
                    command) mapfile -t COMPREPLY < <(compgen -c -- "$2") ;;
                    words:*) mapfile -t COMPREPLY < <(compgen -W "${1#words:}" -- "$2") ;;
                    *) COMPREPLY=() ;;
                esac
            }

            _persist_deploy() {
                local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
                if [[ $COMP_CWORD -eq 1 ]]; then
                    _persist_deploy_offer "words:\(commands.map(\.name).joined(separator: " ")) --help --version" "$cur"
                    return 0
                fi
                local options="" value_options="" value_hint="" argument_hints=()
                case ${COMP_WORDS[1]} in

            """
        for command in commands {
            let valueOptions = command.allOptions.filter { $0.valueName != nil }
            text += "        \(command.name))\n"
            text += "            options=\"\(command.allOptions.map(\.name).joined(separator: " "))\"\n"
            text += "            value_options=\"\(valueOptions.map(\.name).joined(separator: " "))\"\n"
            if !valueOptions.isEmpty {
                text += "            case $prev in\n"
                for option in valueOptions {
                    text += "                \(option.name)) value_hint=\(bashHint(.forValue(named: option.valueName ?? ""))) ;;\n"
                }
                text += "            esac\n"
            }
            let hints = argumentHints(command)
            if !hints.isEmpty {
                text += "            argument_hints=(\(hints.map(bashHint).joined(separator: " ")))\n"
            }
            text += "            ;;\n"
        }
        text += """
                    *) return 0 ;;
                esac
                if [[ -n $value_hint ]]; then
                    _persist_deploy_offer "$value_hint" "$cur"
                    return 0
                fi
                if [[ $cur == -* ]]; then
                    _persist_deploy_offer "words:$options" "$cur"
                    return 0
                fi
                # Which positional argument is this? Skip options and the values they take.
                local index=0 i word skip_value=0
                for ((i = 2; i < COMP_CWORD; i++)); do
                    word=${COMP_WORDS[i]}
                    if ((skip_value)); then skip_value=0; continue; fi
                    if [[ " $value_options " == *" $word "* ]]; then skip_value=1; continue; fi
                    [[ $word == -* ]] || index=$((index + 1))
                done
                _persist_deploy_offer "${argument_hints[index]:-nothing}" "$cur"
                return 0
            }

            complete -F _persist_deploy persist-deploy

            """
        return text
    }

    static func bashHint(_ hint: CompletionHint) -> String {
        switch hint {
        case .directory: "directory"
        case .file: "file"
        case .command: "command"
        case .words(let words): "'words:\(words.joined(separator: " "))'"
        case .releaseID: "releases"
        case .backupID: "backups"
        case .nothing: "nothing"
        }
    }
}
