# Loads a Vagrantfile with a stand-in for Vagrant that records what it
# sets, and prints one "key=value" line per setting, e.g.
#   box=bento/ubuntu-24.04
#   virtualbox.cpus=4
#   libvirt.override.box=cloud-image/ubuntu-24.04
#   synced_folder(/vagrant)=default
# so that tests/vagrant.c can check every provider's settings without the
# providers. Usage: ruby tests/vagrant_config.rb Vagrantfile

$settings = {}

class Recorder
  def initialize(prefix)
    @prefix = prefix
  end

  def respond_to_missing?(name, include_private = false)
    name.to_s.end_with?("=") || super
  end

  def method_missing(name, *args, **opts, &block)
    key = name.to_s
    if key.end_with?("=") && key != "[]="
      $settings["#{@prefix}#{key.chomp('=')}"] = args[0]
    elsif key == "[]="
      $settings["#{@prefix}#{args[0]}"] = args[1]
    elsif key == "vm"
      self
    elsif key == "vmx"
      Recorder.new("#{@prefix}vmx.")
    elsif key == "synced_folder"
      $settings["#{@prefix}synced_folder(#{args[1]})"] = (opts[:type] || "default").to_s
    elsif key == "provider"
      block.call(Recorder.new("#{args[0]}."), Recorder.new("#{args[0]}.override."))
    elsif key == "provision"
      # a file: where it goes; a script: its text
      $settings["#{@prefix}provision(#{args[0]}#{opts[:source] ? " #{File.basename(opts[:source].to_s)}" : ''})"] =
        (opts[:inline] || opts[:destination]).to_s
    elsif key == "define"
      $settings["define(#{args[0]})"] = opts[:primary] ? "primary" : "yes"
      block.call(Recorder.new("#{args[0]}."))
    elsif key == "network"
      $settings["#{@prefix}network(#{args[0]})"] = opts[:ip].to_s
    else
      super
    end
  end
end

module Vagrant
  VERSION = "2.4.1"

  def self.configure(_version)
    yield Recorder.new("")
  end
end

load ARGV.fetch(0)
$settings.each { |key, value| puts "#{key}=#{value}" }
